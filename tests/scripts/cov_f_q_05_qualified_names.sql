-- F-Q-05: CREATE QUEUE db.schema.q creates the queue in that database; CREATE QUEUE #q fails.
-- F-Q-07: maintenance clauses (REBUILD / REORGANIZE / MOVE TO, ON [DEFAULT]) parse and leave messages alone.
CREATE DATABASE qn1;
CREATE DATABASE qn2;
GO
USE qn2;
GO
CREATE SCHEMA app;
GO
USE qn1;
GO
CREATE QUEUE qn2.app.q;
GO
CREATE QUEUE #q;
GO
SELECT COUNT(*) AS in_qn1 FROM sys.service_queues WHERE name = N'q';
-- (user schemas are not modelled yet: sys.schemas only lists dbo/guest/sys, see docs/feature-coverage.md)
SELECT name AS in_qn2 FROM qn2.sys.service_queues WHERE name = N'q';
GO
-- F-Q-07
CREATE QUEUE qm ON [DEFAULT];
CREATE SERVICE s ON QUEUE qm ([DEFAULT]);
CREATE QUEUE qi;
CREATE SERVICE si ON QUEUE qi;
GO
DECLARE @h UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 's' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'kept');
GO
ALTER QUEUE qm REBUILD WITH (MAXDOP = 2);
ALTER QUEUE qm REORGANIZE;
ALTER QUEUE qm REORGANIZE WITH (LOB_COMPACTION = ON);
ALTER QUEUE qm MOVE TO [DEFAULT];
GO
RECEIVE CAST(message_body AS NVARCHAR(MAX)) AS body FROM qm;
GO
