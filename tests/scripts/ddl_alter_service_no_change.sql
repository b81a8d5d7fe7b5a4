-- ALTER SERVICE that changes neither the queue nor a contract: error 8493 (F-SVC-04).
CREATE DATABASE asnc;
GO
USE asnc;
GO
CREATE QUEUE q;
CREATE SERVICE s ON QUEUE q ([DEFAULT]);
GO
ALTER SERVICE s;
GO
