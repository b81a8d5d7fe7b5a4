-- F-GEN-02: GET CONVERSATION GROUP and MOVE CONVERSATION after an unterminated statement are syntax
-- errors; fine after ';' or first in the batch (SEND/RECEIVE are in broker_send_semicolon_rule.sql).
-- WAITFOR (RECEIVE) after an unterminated statement is accepted on purpose (parser decision, see
-- requires_terminator in crates/sbroker-tsql/src/parser/mod.rs); the row is "partial" for that.
CREATE DATABASE gs;
GO
USE gs;
GO
CREATE QUEUE q;
GO
DECLARE @g UNIQUEIDENTIFIER
GET CONVERSATION GROUP @g FROM q;
GO
DECLARE @g UNIQUEIDENTIFIER;
GET CONVERSATION GROUP @g FROM q;
SELECT @g AS after_semicolon;
GO
DECLARE @h UNIQUEIDENTIFIER = NEWID(), @g UNIQUEIDENTIFIER = NEWID()
MOVE CONVERSATION @h TO @g;
GO
DECLARE @x INT
WAITFOR (RECEIVE * FROM q), TIMEOUT 10;
GO
DECLARE @x INT;
WAITFOR (RECEIVE conversation_handle FROM q), TIMEOUT 10;
GO
WAITFOR (RECEIVE conversation_handle FROM q), TIMEOUT 10;
GO
