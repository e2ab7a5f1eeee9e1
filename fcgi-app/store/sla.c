/* Service levels: see sla.h. The hooks are wired into the ticket code
 * first and given their work by the SLA module's own change. */
#include "store/sla.h"

int store_sla_ticket_created(struct arena *a, int64_t ticket_id, time_t now)
{
	(void)a; (void)ticket_id; (void)now;
	return 0;
}

int store_sla_staff_replied(struct arena *a, int64_t ticket_id, time_t now)
{
	(void)a; (void)ticket_id; (void)now;
	return 0;
}

int store_sla_requester_replied(struct arena *a, int64_t ticket_id,
	time_t now)
{
	(void)a; (void)ticket_id; (void)now;
	return 0;
}

int store_sla_status_changed(struct arena *a, int64_t ticket_id,
	const char *from, const char *to, time_t now)
{
	(void)a; (void)ticket_id; (void)from; (void)to; (void)now;
	return 0;
}
