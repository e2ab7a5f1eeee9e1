-- Service levels: a target that stops being measured (its ticket was
-- resolved before a reply, or closed) keeps its times and gets
-- stopped_at, so it is neither running, paused nor due for a breach; and
-- a default business calendar with policies, so a new desk (and the demo
-- stack) measures its tickets from the start. The admin routes change
-- them; positions are spaced so a policy can be put in between.

ALTER TABLE support_sla_targets
	ADD COLUMN IF NOT EXISTS stopped_at DATETIME(6) NULL AFTER breached_at;

INSERT IGNORE INTO support_calendars (name, time_zone, created_at,
	updated_at)
VALUES ('Support hours', 'Europe/Berlin', UTC_TIMESTAMP(6),
	UTC_TIMESTAMP(6));

-- Monday to Friday, 09:00-18:00 local time.
INSERT IGNORE INTO support_calendar_hours (calendar_id, weekday, opens_min,
	closes_min)
SELECT c.id, d.weekday, 540, 1080
FROM support_calendars c
JOIN (SELECT 1 AS weekday UNION ALL SELECT 2 UNION ALL SELECT 3
	UNION ALL SELECT 4 UNION ALL SELECT 5) d
WHERE c.name = 'Support hours';

-- Enterprise customers' urgent tickets around the clock; everyone else's
-- by priority in support hours (minutes of business time).
INSERT IGNORE INTO support_sla_policies (name, position, calendar_id,
	match_priority, match_category, match_plan, first_reply_minutes,
	next_reply_minutes, resolution_minutes, created_at, updated_at)
VALUES ('Enterprise urgent', 50, NULL, 'urgent', NULL, 'enterprise',
	30, 60, 240, UTC_TIMESTAMP(6), UTC_TIMESTAMP(6));

INSERT IGNORE INTO support_sla_policies (name, position, calendar_id,
	match_priority, match_category, match_plan, first_reply_minutes,
	next_reply_minutes, resolution_minutes, created_at, updated_at)
SELECT p.name, p.position, c.id, p.priority, NULL, NULL, p.fr, p.nr, p.res,
	UTC_TIMESTAMP(6), UTC_TIMESTAMP(6)
FROM support_calendars c
JOIN (SELECT 'Urgent' AS name, 100 AS position, 'urgent' AS priority,
		60 AS fr, 120 AS nr, 480 AS res
	UNION ALL SELECT 'High', 200, 'high', 240, 480, 1440
	UNION ALL SELECT 'Normal', 300, 'normal', 480, 960, 2880
	UNION ALL SELECT 'Low', 400, 'low', 1440, 2880, 5400) p
WHERE c.name = 'Support hours';
