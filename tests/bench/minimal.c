/* The benchmark's baseline: the least a libfcgi responder can do, one fixed
 * JSON body per request, so tests/bench/run.sh can show what the Dev Forge
 * pipeline costs on top of FastCGI and the front server. */
#include <fcgiapp.h>
#include <stdio.h>
#include <string.h>

static const char body[] = "{\"status\":\"ok\",\"version\":\"minimal\"}";

int main(void)
{
	FCGX_Request req;
	char head[160];
	int hlen;

	if (FCGX_Init() != 0 || FCGX_InitRequest(&req, 0, 0) != 0)
		return 1;
	hlen = snprintf(head, sizeof(head),
		"Status: 200 OK\r\n"
		"Content-Type: application/json\r\n"
		"Content-Length: %zu\r\n\r\n", strlen(body));
	if (hlen < 0 || (size_t)hlen >= sizeof(head))
		return 1;
	/* The default SIGTERM action ends it, idle or not: nothing to clean.
	 * A failed write means the client left; the next accept goes on. */
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(head, hlen, req.out);
		FCGX_PutStr(body, (int)strlen(body), req.out);
		FCGX_Finish_r(&req);
	}
	FCGX_Free(&req, 1);
	return 0;
}
