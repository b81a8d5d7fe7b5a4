-- F-SVC-05: ALTER SERVICE s ON QUEUE q2 moves s's pending messages to q2.
-- F-SVC-09: two services on one queue; received rows carry their own service_name / service_id.
CREATE DATABASE svm;
GO
USE svm;
GO
CREATE QUEUE qi; CREATE QUEUE q1; CREATE QUEUE q2;
CREATE SERVICE si ON QUEUE qi;
CREATE SERVICE s ON QUEUE q1 ([DEFAULT]);
CREATE SERVICE s_other ON QUEUE q1 ([DEFAULT]);
GO
DECLARE @h UNIQUEIDENTIFIER, @h2 UNIQUEIDENTIFIER;
BEGIN DIALOG @h FROM SERVICE si TO SERVICE 's' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h (N'for s');
BEGIN DIALOG @h2 FROM SERVICE si TO SERVICE 's_other' WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h2 (N'for s_other');
SELECT q.service_name, CASE WHEN q.service_id = v.service_id THEN 1 ELSE 0 END AS service_id_matches,
       CAST(q.message_body AS NVARCHAR(MAX)) AS body
FROM q1 AS q WITH (NOLOCK) JOIN sys.services AS v ON v.name = q.service_name
ORDER BY q.service_name;
GO
ALTER SERVICE s ON QUEUE q2;
GO
SELECT service_name, CAST(message_body AS NVARCHAR(MAX)) AS body FROM q1;
SELECT service_name, CAST(message_body AS NVARCHAR(MAX)) AS body FROM q2;
RECEIVE service_name, CAST(message_body AS NVARCHAR(MAX)) AS body FROM q2;
GO
