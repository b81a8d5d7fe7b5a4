-- CREATE/ALTER/DROP SERVICE: usages, duplicates, errors 8404/8493/8425, DROP QUEUE dependency.
CREATE DATABASE ddl_svc;
GO
USE ddl_svc;
GO
CREATE MESSAGE TYPE m;
CREATE CONTRACT c1 (m SENT BY INITIATOR);
CREATE CONTRACT c2 (m SENT BY ANY);
CREATE QUEUE q;
CREATE QUEUE q2;
GO
CREATE SERVICE s ON QUEUE q (c1, c2);
CREATE SERVICE s_init ON QUEUE q;
GO
SELECT s.name, CASE WHEN s.service_id >= 65536 THEN 1 ELSE 0 END AS user_id, q.name AS queue_name
FROM sys.services AS s JOIN sys.service_queues AS q ON q.object_id = s.service_queue_id
WHERE s.service_id >= 65536 ORDER BY s.name;
SELECT s.name AS service, c.name AS contract
FROM sys.service_contract_usages AS u
JOIN sys.services AS s ON s.service_id = u.service_id
JOIN sys.service_contracts AS c ON c.service_contract_id = u.service_contract_id
WHERE s.service_id >= 65536 ORDER BY s.name, c.name;
SELECT COUNT(*) AS queue_usages FROM sys.service_queue_usages WHERE service_id >= 65536;
GO
CREATE SERVICE s ON QUEUE q;
GO
CREATE SERVICE dup ON QUEUE q (c1, c1);
GO
CREATE SERVICE bad ON QUEUE q (nosuch);
GO
ALTER SERVICE s ON QUEUE q2 (DROP CONTRACT c2);
SELECT c.name AS contract FROM sys.service_contract_usages AS u
JOIN sys.services AS s ON s.service_id = u.service_id
JOIN sys.service_contracts AS c ON c.service_contract_id = u.service_contract_id
WHERE s.name = N's';
SELECT q.name AS queue_name FROM sys.services AS s JOIN sys.service_queues AS q ON q.object_id = s.service_queue_id WHERE s.name = N's';
GO
-- contract used by a service cannot be dropped
DROP CONTRACT c1;
GO
-- queue used by a service cannot be dropped
DROP QUEUE q2;
GO
DROP SERVICE s;
DROP QUEUE q2;
DROP CONTRACT c1;
SELECT COUNT(*) AS services FROM sys.services WHERE service_id >= 65536;
GO
