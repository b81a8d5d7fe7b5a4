//! Round-trip tests: parse -> Display -> parse must give an equal AST.

mod common;

use common::{verified, verified_one};
use sbroker_tsql::*;

macro_rules! rt {
    ($($name:ident => $sql:expr;)*) => {
        $(
            #[test]
            fn $name() {
                verified($sql);
            }
        )*
    };
}

rt! {
    // ----- SELECT / expressions -----
    select_literals => "SELECT 1, 1.5, 1e3, 'it''s', N'nat', 0x0AFF, 0x, NULL";
    select_vars => "SELECT @a, @@ROWCOUNT, @@ERROR, @@TRANCOUNT, @@SPID, @@IDENTITY, @@FETCH_STATUS, @@SERVERNAME, @@VERSION";
    select_precedence => "SELECT 1 + 2 * 3 - 4 / 2 % 3, (1 + 2) * 3, -x + ~y, a & b | c ^ d";
    select_logic => "SELECT * FROM t WHERE NOT a = 1 AND (b <> 2 OR c != 3) AND d !< 4 AND e !> 5";
    select_predicates => "SELECT * FROM t WHERE a IS NULL AND b IS NOT NULL AND c BETWEEN 1 AND 10 AND d NOT BETWEEN 2 AND 3";
    select_in_like => "SELECT * FROM t WHERE a IN (1, 2, 3) AND b NOT IN (SELECT x FROM u) AND c LIKE 'a%' ESCAPE '!' AND d NOT LIKE N'%z'";
    select_exists_subquery => "SELECT (SELECT MAX(x) FROM u) AS m WHERE EXISTS (SELECT 1 FROM v WHERE v.id = 1)";
    select_case => "SELECT CASE WHEN a = 1 THEN 'one' WHEN a = 2 THEN 'two' ELSE 'many' END, CASE b WHEN 1 THEN 'x' END FROM t";
    select_functions => "SELECT COUNT(*), COUNT(DISTINCT x), GETDATE(), dbo.fn(1, 2), COALESCE(a, b), NULLIF(a, 0), LEFT(s, 2), RIGHT(s, 1), CURRENT_TIMESTAMP, USER FROM t";
    select_cast_convert => "SELECT CAST(x AS NVARCHAR(MAX)), TRY_CAST(y AS INT), CONVERT(VARCHAR(10), d, 120), TRY_CONVERT(DECIMAL(10, 2), z), IIF(a > 1, 'y', 'n')";
    select_xml_methods => "SELECT @x.value('(/a/b)[1]', 'int'), @x.query('/a'), @x.exist('/a'), col.value('.', 'nvarchar(10)'), T.c.value('@id', 'int'), CAST(message_body AS XML).value('(/r)[1]', 'int') FROM t CROSS APPLY @x.nodes('/a/b') AS T(c)";
    select_aliases => "SELECT a AS x, b y, c = d + 1, 'lit' = 5, e AS [my col], f \"q\" FROM t";
    select_var_assign => "SELECT @a = 1, @b += 2, @c = col FROM t WHERE id = @id";
    select_top_distinct => "SELECT DISTINCT TOP (10) PERCENT a FROM t ORDER BY a DESC, b ASC";
    select_top_plain => "SELECT TOP 5 * FROM t";
    select_top_ties => "SELECT TOP (@n) WITH TIES a FROM t ORDER BY a";
    select_into_temp => "SELECT a, b INTO #tmp FROM t; SELECT * INTO ##glob FROM #tmp";
    select_group_having => "SELECT a, SUM(b) FROM t GROUP BY a HAVING SUM(b) > 10";
    select_joins => "SELECT * FROM a INNER JOIN b ON a.id = b.id LEFT JOIN c ON c.id = a.id LEFT OUTER JOIN d ON 1 = 1 RIGHT JOIN e ON 1 = 1 FULL OUTER JOIN f ON 1 = 1 CROSS JOIN g JOIN h ON h.x = a.x";
    select_apply => "SELECT * FROM t CROSS APPLY t.x.nodes('/a') AS N(n) OUTER APPLY (SELECT TOP (1) * FROM u WHERE u.id = t.id) AS z";
    select_hints => "SELECT COUNT(*) FROM dbo.q WITH (NOLOCK); SELECT * FROM t x (NOLOCK); SELECT * FROM t WITH (UPDLOCK, READPAST)";
    select_multipart => "SELECT db.dbo.t.c, db..t2.c FROM srv.db.dbo.t, db..t2, @tv AS v";
    select_derived => "SELECT * FROM (SELECT a FROM t) AS d (x) WHERE d.x > 0";
    select_union => "SELECT 1 UNION SELECT 2 UNION ALL SELECT 3 EXCEPT SELECT 4 INTERSECT SELECT 5 ORDER BY 1";
    select_cte => "WITH c (a, b) AS (SELECT 1, 2), d AS (SELECT * FROM c) SELECT * FROM d";
    select_xmlnamespaces => "WITH XMLNAMESPACES ('urn:a' AS p, DEFAULT 'urn:d') SELECT @x.value('(/p:a)[1]', 'int')";
    select_for_xml => "SELECT a, b FROM t FOR XML PATH('row'), ELEMENTS, ROOT('rows'), TYPE; SELECT * FROM t FOR XML RAW; SELECT * FROM t FOR XML AUTO, ELEMENTS XSINIL";
    select_stuff_for_xml => "SELECT STUFF((SELECT ',' + name FROM t FOR XML PATH('')), 1, 1, '')";
    select_window => "SELECT ROW_NUMBER() OVER (PARTITION BY a ORDER BY b DESC) AS rn FROM t";
    select_offset => "SELECT * FROM t ORDER BY a OFFSET 10 ROWS FETCH NEXT 5 ROWS ONLY";
    select_collate => "SELECT * FROM t WHERE name COLLATE Latin1_General_BIN = N'x'";
    select_unary_nesting => "SELECT - -1, -(-1), NOT NOT 1 = 1";
    select_queue => "SELECT status, priority, queuing_order, conversation_group_id, message_body FROM dbo.TargetQueue WITH (NOLOCK) WHERE service_name = N'//svc'";

    // ----- DML -----
    insert_values => "INSERT INTO t (a, b) VALUES (1, 'x'), (2, DEFAULT)";
    insert_select => "INSERT t SELECT a, b FROM u WHERE c = 1";
    insert_exec => "INSERT INTO @t (a) EXEC dbo.p @x = 1";
    insert_output => "INSERT INTO t (a) OUTPUT inserted.id, inserted.* INTO @ids (id) VALUES (1)";
    insert_default_values => "INSERT INTO t DEFAULT VALUES";
    update_simple => "UPDATE t SET a = 1, b += 2, @v = 3 WHERE id = 5";
    update_from => "UPDATE x SET x.a = y.b OUTPUT deleted.a, inserted.a FROM t AS x INNER JOIN u AS y ON x.id = y.id WHERE y.c IS NULL";
    update_top_hints => "UPDATE TOP (10) t WITH (ROWLOCK) SET a = DEFAULT";
    delete_simple => "DELETE FROM t WHERE a = 1; DELETE t";
    delete_output_join => "DELETE FROM t OUTPUT deleted.* INTO @gone FROM t INNER JOIN u ON t.id = u.id WHERE u.x = 1";
    cte_dml => "WITH c AS (SELECT TOP (1) * FROM t ORDER BY id) DELETE FROM c";

    // ----- variables / control flow -----
    declare_vars => "DECLARE @a INT = 5, @b NVARCHAR(MAX), @c DECIMAL(10, 2) = 1.5, @d sysname, @e XML(dbo.MySchema), @f DATETIME2(7), @g VARBINARY(MAX), @h BIT, @i TINYINT, @j UNIQUEIDENTIFIER = NEWID()";
    set_cursor_variable => "DECLARE @c CURSOR; SET @c = CURSOR LOCAL SCROLL FOR SELECT a FROM t ORDER BY a; OPEN @c; FETCH NEXT FROM @c INTO @a; CLOSE @c; DEALLOCATE @c";
    declare_bare_at => "DECLARE @ INT = 100; SELECT @ + 1";
    declare_as => "DECLARE @a AS INT, @x XML(CONTENT dbo.coll)";
    declare_table => "DECLARE @t TABLE (id INT IDENTITY(1, 1) PRIMARY KEY, name NVARCHAR(50) NOT NULL DEFAULT N'', body VARBINARY(MAX) NULL)";
    declare_cursor => "DECLARE c CURSOR LOCAL FAST_FORWARD FOR SELECT a, b FROM t; OPEN c; FETCH NEXT FROM c INTO @a, @b; WHILE @@FETCH_STATUS = 0 BEGIN FETCH NEXT FROM c INTO @a, @b; END; CLOSE c; DEALLOCATE c";
    cursor_misc => "DECLARE c CURSOR GLOBAL STATIC READ_ONLY FOR SELECT 1; FETCH c; FETCH PRIOR FROM c; FETCH ABSOLUTE 3 FROM @cv INTO @x; DECLARE d CURSOR FOR SELECT a FROM t FOR UPDATE OF a";
    set_variable => "SET @a = 1; SET @b += 'x'; SET @c = (SELECT COUNT(*) FROM t); SET @d -= 1; SET @e *= 2; SET @f /= 2";
    set_options => "SET NOCOUNT ON; SET XACT_ABORT OFF; SET ANSI_NULLS ON; SET QUOTED_IDENTIFIER ON; SET STATISTICS IO, TIME ON; SET ANSI_WARNINGS, ARITHABORT OFF";
    set_option_values => "SET LOCK_TIMEOUT 1000; SET DEADLOCK_PRIORITY LOW; SET ROWCOUNT 0; SET TRANSACTION ISOLATION LEVEL READ COMMITTED; SET IDENTITY_INSERT dbo.t ON; SET DATEFORMAT ymd";
    if_else => "IF @a = 1 PRINT 'one'; ELSE IF @a = 2 PRINT 'two' ELSE BEGIN PRINT 'many'; RETURN; END";
    if_exists_drop => "IF EXISTS (SELECT * FROM sys.objects WHERE name = 'p') DROP PROCEDURE dbo.p";
    if_not_exists => "IF NOT EXISTS (SELECT 1 FROM sys.databases WHERE name = N'X') CREATE DATABASE X";
    while_loop => "WHILE (1 = 1) BEGIN IF @i > 10 BREAK; SET @i += 1; IF @i = 5 CONTINUE; END";
    try_catch => "BEGIN TRY SELECT 1 / 0; END TRY BEGIN CATCH SELECT ERROR_NUMBER(), ERROR_MESSAGE(); THROW; END CATCH";
    return_forms => "RETURN; RETURN 0; RETURN @x; RETURN -1";
    print_concat => "PRINT 'a' + CAST(@x AS VARCHAR(10)) + N'b'";
    raiserror_forms => "RAISERROR('msg %s %d', 16, 1, @s, 5) WITH NOWAIT, LOG; RAISERROR(50001, 10, 1); RAISERROR(@msg, 16, 1)";
    throw_forms => "THROW 50000, 'boom', 1; THROW @n, @m, @s";
    goto_label => "GOTO done; PRINT 'skipped'; done: PRINT 'end'";
    waitfor_delay => "WAITFOR DELAY '00:00:01'; WAITFOR TIME '23:00'; WAITFOR DELAY @d";
    use_db => "USE master; USE [my db]";
    exec_forms => "EXEC dbo.p; EXEC p 1, 'x', @y OUTPUT; EXECUTE p @a = 1, @b = @c OUT, @d = DEFAULT; EXEC @ret = db.dbo.p @x = NULL; EXEC @procname 1";
    exec_dynamic => "EXEC (@sql); EXEC ('SELECT 1' + @x); EXECUTE sp_executesql @stmt, N'@p int OUTPUT', @p = @x OUTPUT";
    exec_bare_word => "EXEC sp_help tablename; EXEC p -1 WITH RECOMPILE";
    execute_as => "EXECUTE AS USER = 'bob'; REVERT; EXECUTE AS LOGIN = 'sa'; EXECUTE AS CALLER; EXECUTE AS SELF; EXECUTE AS OWNER";

    // ----- transactions -----
    transactions => "BEGIN TRAN; BEGIN TRANSACTION t1; COMMIT; COMMIT TRAN; COMMIT TRANSACTION t1; COMMIT WORK; ROLLBACK; ROLLBACK TRANSACTION @name; SAVE TRAN sp1; SAVE TRANSACTION @sp; ROLLBACK TRAN sp1";

    // ----- DDL -----
    create_proc_params => "CREATE PROCEDURE dbo.p @a INT = 5 OUTPUT, @b NVARCHAR(10) = NULL, @t dbo.TT READONLY WITH EXECUTE AS OWNER AS SET NOCOUNT ON; SELECT @a";
    create_proc_parens => "CREATE PROC p (@a INT, @b AS VARCHAR(5) OUT) AS BEGIN SELECT 1; END";
    create_or_alter_proc => "CREATE OR ALTER PROCEDURE p WITH RECOMPILE, EXECUTE AS 'dbo' AS RETURN 0";
    alter_proc => "ALTER PROCEDURE p AS SELECT 2";
    drop_proc => "DROP PROCEDURE IF EXISTS dbo.p, q; DROP PROC p";
    create_function => "CREATE FUNCTION dbo.f (@a INT, @b INT = 2) RETURNS INT WITH SCHEMABINDING AS BEGIN DECLARE @r INT = @a + @b; RETURN @r; END";
    create_inline_function => "CREATE FUNCTION dbo.tvf (@a INT) RETURNS TABLE AS RETURN SELECT * FROM t WHERE id = @a";
    create_multi_statement_function => "CREATE FUNCTION dbo.split (@s NVARCHAR(100)) RETURNS @t TABLE (pos INT NOT NULL, item NVARCHAR(50)) AS BEGIN INSERT @t VALUES (1, @s); RETURN; END";
    drop_function => "DROP FUNCTION IF EXISTS dbo.f";
    create_table => "CREATE TABLE dbo.t (id INT IDENTITY(1, 1) NOT NULL, name NVARCHAR(100) COLLATE Latin1_General_BIN NULL CONSTRAINT df_name DEFAULT N'x', ts DATETIME2 DEFAULT SYSUTCDATETIME(), amount DECIMAL(18, 4) CHECK (amount >= 0), ref INT REFERENCES dbo.other (id) ON DELETE CASCADE, g UNIQUEIDENTIFIER ROWGUIDCOL UNIQUE, total AS amount * 2 PERSISTED, CONSTRAINT pk_t PRIMARY KEY CLUSTERED (id DESC), UNIQUE NONCLUSTERED (name), FOREIGN KEY (ref) REFERENCES dbo.other (id), CONSTRAINT ck CHECK (id > 0)) ON [PRIMARY]";
    create_table_textimage => "CREATE TABLE t (id INT, body NVARCHAR(MAX)) ON [PRIMARY] TEXTIMAGE_ON [PRIMARY]; CREATE TABLE u (b VARBINARY(MAX)) TEXTIMAGE_ON big";
    create_temp_table => "CREATE TABLE #work (id INT PRIMARY KEY, v SQL_VARIANT); CREATE TABLE ##g (x INT)";
    drop_table => "DROP TABLE IF EXISTS #work; DROP TABLE dbo.a, dbo.b";
    alter_table => "ALTER TABLE t ADD c INT NULL, CONSTRAINT u UNIQUE (c); ALTER TABLE t DROP COLUMN c, d; ALTER TABLE t DROP CONSTRAINT u; ALTER TABLE t ALTER COLUMN c BIGINT NOT NULL";
    create_trigger => "CREATE TRIGGER dbo.trg ON dbo.t AFTER INSERT, UPDATE, DELETE AS SET NOCOUNT ON; IF UPDATE(a) INSERT INTO audit SELECT * FROM inserted";
    create_trigger_for => "CREATE TRIGGER trg2 ON t FOR DELETE AS BEGIN SELECT COUNT(*) FROM deleted; END";
    create_ddl_trigger => "CREATE TRIGGER ddl ON DATABASE FOR CREATE_TABLE AS PRINT 'x'";
    drop_trigger => "DROP TRIGGER IF EXISTS dbo.trg; DROP TRIGGER ddl ON DATABASE";
    create_view => "CREATE VIEW dbo.v (a, b) WITH SCHEMABINDING AS SELECT a, b FROM dbo.t";
    create_schema => "CREATE SCHEMA sales AUTHORIZATION dbo; CREATE SCHEMA s2; DROP SCHEMA IF EXISTS s2";
    create_drop_database => "CREATE DATABASE SBTest; DROP DATABASE IF EXISTS SBTest; DROP DATABASE a, b; CREATE DATABASE x FOR ATTACH WITH ENABLE_BROKER";
    alter_database_broker => "ALTER DATABASE SBTest SET ENABLE_BROKER; ALTER DATABASE CURRENT SET DISABLE_BROKER WITH ROLLBACK IMMEDIATE; ALTER DATABASE x SET NEW_BROKER WITH NO_WAIT; ALTER DATABASE x SET ERROR_BROKER_CONVERSATIONS WITH ROLLBACK AFTER 5 SECONDS";
    alter_database_options => "ALTER DATABASE x SET TRUSTWORTHY ON; ALTER DATABASE x SET HONOR_BROKER_PRIORITY OFF; ALTER DATABASE x SET RECOVERY SIMPLE, SINGLE_USER; ALTER DATABASE x SET COMPATIBILITY_LEVEL = 150";
    create_index => "CREATE UNIQUE NONCLUSTERED INDEX ix ON dbo.t (a, b DESC) INCLUDE (c) WHERE a > 0 WITH (FILLFACTOR = 80, PAD_INDEX = ON) ON [PRIMARY]; CREATE INDEX ix2 ON t (x); DROP INDEX ix ON dbo.t";
    truncate => "TRUNCATE TABLE dbo.t";

    // ----- Service Broker objects -----
    message_types => "CREATE MESSAGE TYPE [//AWDB/1DBSample/RequestMessage] VALIDATION = WELL_FORMED_XML; CREATE MESSAGE TYPE m2 AUTHORIZATION dbo VALIDATION = NONE; CREATE MESSAGE TYPE m3 VALIDATION = EMPTY; CREATE MESSAGE TYPE m4 VALIDATION = VALID_XML WITH SCHEMA COLLECTION dbo.coll; CREATE MESSAGE TYPE m5";
    alter_drop_message_type => "ALTER MESSAGE TYPE m VALIDATION = EMPTY; DROP MESSAGE TYPE [//x/y]";
    contracts => "CREATE CONTRACT [//c] AUTHORIZATION dbo ([//req] SENT BY INITIATOR, [//rep] SENT BY TARGET, [DEFAULT] SENT BY ANY); DROP CONTRACT [//c]";
    create_queue_simple => "CREATE QUEUE TargetQueue1DB; CREATE QUEUE db.dbo.q2; CREATE QUEUE dbo.q3 ON [DEFAULT]; CREATE QUEUE q4 ON fg1";
    create_queue_full => "CREATE QUEUE dbo.q WITH STATUS = ON, RETENTION = OFF, ACTIVATION (STATUS = ON, PROCEDURE_NAME = dbo.ActivProc, MAX_QUEUE_READERS = 5, EXECUTE AS SELF), POISON_MESSAGE_HANDLING (STATUS = OFF) ON [DEFAULT]";
    create_queue_any_order => "CREATE QUEUE q WITH POISON_MESSAGE_HANDLING (STATUS = ON) ACTIVATION (EXECUTE AS 'bob' MAX_QUEUE_READERS = 1 PROCEDURE_NAME = db.dbo.p) RETENTION = ON STATUS = OFF";
    create_queue_exec_owner => "CREATE QUEUE q WITH ACTIVATION (PROCEDURE_NAME = p, MAX_QUEUE_READERS = 0, EXECUTE AS OWNER)";
    alter_queue_with => "ALTER QUEUE q WITH STATUS = OFF; ALTER QUEUE q WITH ACTIVATION (STATUS = OFF); ALTER QUEUE q WITH ACTIVATION (DROP); ALTER QUEUE dbo.q WITH ACTIVATION (MAX_QUEUE_READERS = 3), POISON_MESSAGE_HANDLING (STATUS = ON)";
    alter_queue_maintenance => "ALTER QUEUE q REBUILD; ALTER QUEUE q REBUILD WITH (MAXDOP = 2); ALTER QUEUE q REORGANIZE WITH (LOB_COMPACTION = ON); ALTER QUEUE q REORGANIZE; ALTER QUEUE q MOVE TO fg2; ALTER QUEUE q MOVE TO \"default\"";
    drop_queue => "DROP QUEUE dbo.TargetQueue1DB";
    services => "CREATE SERVICE [//AWDB/1DBSample/TargetService] ON QUEUE TargetQueue1DB ([//AWDB/1DBSample/SampleContract]); CREATE SERVICE s2 AUTHORIZATION dbo ON QUEUE dbo.q ([DEFAULT], [//c2]); CREATE SERVICE s3 ON QUEUE q";
    alter_drop_service => "ALTER SERVICE s ON QUEUE dbo.q2; ALTER SERVICE s (ADD CONTRACT [//c], DROP CONTRACT [DEFAULT]); ALTER SERVICE s ON QUEUE q (ADD CONTRACT c); DROP SERVICE [//s]";
    routes => "CREATE ROUTE r WITH SERVICE_NAME = '//svc', BROKER_INSTANCE = 'D8D4D268-02A3-4C62-8F91-634B89C1E315', LIFETIME = 60, ADDRESS = 'TCP://host:4022', MIRROR_ADDRESS = 'TCP://m:4022'; CREATE ROUTE r2 AUTHORIZATION dbo WITH ADDRESS = 'LOCAL'; ALTER ROUTE r WITH ADDRESS = 'TRANSPORT'; DROP ROUTE r";
    route_any_order => "CREATE ROUTE r WITH ADDRESS = 'TCP://h:1', SERVICE_NAME = 's'";
    remote_service_binding => "CREATE REMOTE SERVICE BINDING b AUTHORIZATION dbo TO SERVICE '//remote' WITH USER = RemoteUser, ANONYMOUS = ON; CREATE REMOTE SERVICE BINDING b2 TO SERVICE 'x' WITH USER = [u]; ALTER REMOTE SERVICE BINDING b WITH USER = u2, ANONYMOUS = OFF; ALTER REMOTE SERVICE BINDING b WITH ANONYMOUS = ON; DROP REMOTE SERVICE BINDING b";
    broker_priority => "CREATE BROKER PRIORITY p FOR CONVERSATION SET (CONTRACT_NAME = [//c], LOCAL_SERVICE_NAME = ANY, REMOTE_SERVICE_NAME = N'//remote', PRIORITY_LEVEL = 8); CREATE BROKER PRIORITY p2 FOR CONVERSATION; CREATE BROKER PRIORITY p3 FOR CONVERSATION SET (PRIORITY_LEVEL = DEFAULT REMOTE_SERVICE_NAME = ANY); ALTER BROKER PRIORITY p FOR CONVERSATION SET (CONTRACT_NAME = [ANY]); DROP BROKER PRIORITY p";
    xml_schema_collection => "CREATE XML SCHEMA COLLECTION dbo.coll AS N'<xsd:schema xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\"/>'; CREATE XML SCHEMA COLLECTION c2 AS @schema; DROP XML SCHEMA COLLECTION dbo.coll";
    endpoints => "CREATE ENDPOINT BrokerEndpoint STATE = STARTED AS TCP (LISTENER_PORT = 4022, LISTENER_IP = ALL) FOR SERVICE_BROKER (AUTHENTICATION = WINDOWS NEGOTIATE, ENCRYPTION = REQUIRED ALGORITHM AES, MESSAGE_FORWARDING = ENABLED, MESSAGE_FORWARD_SIZE = 10)";
    endpoint_variants => "CREATE ENDPOINT e AUTHORIZATION sa AS TCP (LISTENER_PORT = 4023, LISTENER_IP = (10.0.0.1)) FOR SERVICE_BROKER (AUTHENTICATION = CERTIFICATE c WINDOWS KERBEROS ENCRYPTION = SUPPORTED ALGORITHM RC4 AES); CREATE ENDPOINT e2 AS TCP (LISTENER_PORT = 5000, LISTENER_IP = ('::1')) FOR SERVICE_BROKER (AUTHENTICATION = WINDOWS CERTIFICATE c, ENCRYPTION = DISABLED); CREATE ENDPOINT e3 AS TCP (LISTENER_PORT = 1) FOR SERVICE_BROKER ()";
    alter_drop_endpoint => "ALTER ENDPOINT e STATE = STOPPED; ALTER ENDPOINT e FOR SERVICE_BROKER (MESSAGE_FORWARDING = DISABLED); ALTER ENDPOINT e STATE = DISABLED AS TCP (LISTENER_PORT = 4024); DROP ENDPOINT e";
    event_notifications => "CREATE EVENT NOTIFICATION en ON QUEUE dbo.q FOR QUEUE_ACTIVATION TO SERVICE '//notify', 'current database'; CREATE EVENT NOTIFICATION en2 ON DATABASE WITH FAN_IN FOR CREATE_TABLE, DROP_TABLE TO SERVICE 's', 'D8D4D268-02A3-4C62-8F91-634B89C1E315'; DROP EVENT NOTIFICATION en ON QUEUE dbo.q; DROP EVENT NOTIFICATION a, b ON SERVER";

    // ----- conversations -----
    begin_dialog_full => "BEGIN DIALOG CONVERSATION @h FROM SERVICE [//Init] TO SERVICE N'//Target', 'CURRENT DATABASE' ON CONTRACT [//Contract] WITH RELATED_CONVERSATION = @other, LIFETIME = 600, ENCRYPTION = OFF";
    begin_dialog_min => "BEGIN DIALOG @h FROM SERVICE s TO SERVICE 't'";
    begin_dialog_options_any_order => "BEGIN DIALOG @h FROM SERVICE s TO SERVICE @target, @broker WITH ENCRYPTION = ON LIFETIME = @life RELATED_CONVERSATION_GROUP = @g";
    send_forms => "SEND ON CONVERSATION @h; SEND ON CONVERSATION @h MESSAGE TYPE [//m] (@body); SEND ON CONVERSATION (@h1, @h2) MESSAGE TYPE m (N'<a/>'); SEND ON CONVERSATION @h (0x01)";
    receive_forms => "RECEIVE * FROM q; RECEIVE TOP (1) conversation_handle, message_type_name, CAST(message_body AS NVARCHAR(MAX)) AS body FROM dbo.q WHERE conversation_handle = @h; RECEIVE @h = conversation_handle, @b = message_body FROM db.dbo.q WHERE conversation_group_id = @g; RECEIVE TOP (@n) * FROM q INTO @tab";
    receive_alias_forms => "RECEIVE mt = message_type_name, status s, queuing_order AS qo FROM q";
    waitfor_receive => "WAITFOR (RECEIVE TOP (1) @h = conversation_handle FROM q), TIMEOUT 1000; WAITFOR (RECEIVE * FROM q)";
    waitfor_get_group => "WAITFOR (GET CONVERSATION GROUP @g FROM dbo.q), TIMEOUT @t; GET CONVERSATION GROUP @g FROM q";
    move_conversation => "MOVE CONVERSATION @h TO @g";
    end_conversation => "END CONVERSATION @h; END CONVERSATION @h WITH CLEANUP; END CONVERSATION @h WITH ERROR = 500 DESCRIPTION = N'failed'; END CONVERSATION @h WITH ERROR = @code DESCRIPTION = @desc";
    conversation_timer => "BEGIN CONVERSATION TIMER (@h) TIMEOUT = 60";
    get_transmission_status => "SELECT GET_TRANSMISSION_STATUS(@h), * FROM sys.transmission_queue";

    // ----- security -----
    master_key => "CREATE MASTER KEY ENCRYPTION BY PASSWORD = 'P@ss''word'; OPEN MASTER KEY DECRYPTION BY PASSWORD = 'x'; CLOSE MASTER KEY; DROP MASTER KEY";
    alter_master_key => "ALTER MASTER KEY REGENERATE WITH ENCRYPTION BY PASSWORD = 'a'; ALTER MASTER KEY FORCE REGENERATE WITH ENCRYPTION BY PASSWORD = 'b'; ALTER MASTER KEY ADD ENCRYPTION BY SERVICE MASTER KEY; ALTER MASTER KEY DROP ENCRYPTION BY SERVICE MASTER KEY; ALTER MASTER KEY ADD ENCRYPTION BY PASSWORD = 'c'; ALTER MASTER KEY DROP ENCRYPTION BY PASSWORD = 'c'";
    signatures => "ADD SIGNATURE TO dbo.p BY CERTIFICATE c; ADD SIGNATURE TO p BY CERTIFICATE c WITH PASSWORD = 'pw'; DROP SIGNATURE FROM dbo.p BY CERTIFICATE c";
    json => "SELECT a, b FROM t FOR JSON PATH, ROOT ('r'), INCLUDE_NULL_VALUES; SELECT 1 AS x FOR JSON AUTO, WITHOUT_ARRAY_WRAPPER; SELECT j.id FROM OPENJSON(@j, '$.items') WITH (id INT '$.id', tags NVARCHAR(MAX) '$.tags' AS JSON, name NVARCHAR(20)) AS j";
    create_type => "CREATE TYPE dbo.IdList AS TABLE (Id INT NOT NULL PRIMARY KEY, Note NVARCHAR(20)); CREATE TYPE dbo.Code FROM NVARCHAR(10) NOT NULL";
    maintenance => "CHECKPOINT; DBCC FREEPROCCACHE; DBCC CHECKDB (d); SET IDENTITY_INSERT dbo.t ON; SET CONTEXT_INFO 0x01";
    merge => "MERGE INTO dbo.t AS s USING @i AS i ON s.id = i.id WHEN MATCHED AND i.v > 1 THEN DELETE WHEN MATCHED THEN UPDATE SET v = i.v WHEN NOT MATCHED BY TARGET THEN INSERT (id, v) VALUES (i.id, i.v) WHEN NOT MATCHED BY SOURCE THEN DELETE OUTPUT inserted.id";
    alter_table_forms => "ALTER TABLE t WITH CHECK ADD CONSTRAINT fk FOREIGN KEY (a) REFERENCES u (id); ALTER TABLE t NOCHECK CONSTRAINT ALL; ALTER TABLE t ADD CONSTRAINT df DEFAULT (0) FOR a; ALTER TABLE t DISABLE TRIGGER ALL; ENABLE TRIGGER tr ON t; RECONFIGURE";
    mirroring_endpoint => "CREATE ENDPOINT m STATE = STARTED AS TCP (LISTENER_PORT = 5022) FOR DATABASE_MIRRORING (ENCRYPTION = REQUIRED ALGORITHM AES, ROLE = PARTNER)";
    certificates => "CREATE CERTIFICATE c WITH SUBJECT = 'Broker cert', EXPIRY_DATE = '2030-01-01', START_DATE = '2020-01-01' ACTIVE FOR BEGIN_DIALOG = ON; CREATE CERTIFICATE c2 AUTHORIZATION u FROM FILE = 'C:\\c.cer' WITH PRIVATE KEY (FILE = 'C:\\c.pvk', DECRYPTION BY PASSWORD = 'p'); CREATE CERTIFICATE c3 ENCRYPTION BY PASSWORD = 'pw' WITH SUBJECT = 's'; CREATE CERTIFICATE c4 FROM FILE = 'f'";
    alter_backup_drop_certificate => "ALTER CERTIFICATE c WITH ACTIVE FOR BEGIN_DIALOG = OFF; ALTER CERTIFICATE c REMOVE PRIVATE KEY; BACKUP CERTIFICATE c TO FILE = 'c.cer' WITH PRIVATE KEY (FILE = 'c.pvk', ENCRYPTION BY PASSWORD = 'p'); BACKUP CERTIFICATE c TO FILE = 'c2.cer'; DROP CERTIFICATE c";
    logins_users => "CREATE LOGIN l WITH PASSWORD = 'x', CHECK_POLICY = OFF, DEFAULT_DATABASE = master; CREATE LOGIN l2 FROM CERTIFICATE c; CREATE USER u WITHOUT LOGIN; CREATE USER u2 FOR LOGIN l; CREATE USER u3 FROM CERTIFICATE c WITH DEFAULT_SCHEMA = dbo; CREATE USER u4; DROP USER IF EXISTS u; DROP LOGIN l";
    roles => "CREATE ROLE r AUTHORIZATION dbo; ALTER ROLE r ADD MEMBER u; ALTER ROLE db_owner DROP MEMBER [u2]; DROP ROLE r";
    grants => "GRANT SEND ON SERVICE::[//AWDB/Target] TO [public]; GRANT CONNECT ON ENDPOINT::BrokerEndpoint TO l; GRANT RECEIVE ON dbo.q TO u WITH GRANT OPTION; GRANT REFERENCES ON CONTRACT::[//c] TO u; GRANT CONTROL ON MESSAGE TYPE::[//m] TO u, v; GRANT EXECUTE ON OBJECT::dbo.p TO public; GRANT ALTER ON SCHEMA::dbo TO u; GRANT REFERENCES ON XML SCHEMA COLLECTION::dbo.coll TO u; GRANT VIEW DEFINITION ON CERTIFICATE::c TO u";
    grant_no_on => "GRANT CREATE QUEUE, ALTER ANY SERVICE TO u; GRANT VIEW SERVER STATE TO l";
    revoke_deny => "REVOKE SEND ON SERVICE::s FROM u; REVOKE GRANT OPTION FOR RECEIVE ON dbo.q TO u CASCADE; DENY SEND ON SERVICE::s TO u CASCADE; DENY CONNECT TO guest";
    alter_authorization => "ALTER AUTHORIZATION ON SERVICE::[//s] TO u; ALTER AUTHORIZATION ON REMOTE SERVICE BINDING::b TO u; ALTER AUTHORIZATION ON dbo.t TO SCHEMA OWNER; ALTER AUTHORIZATION ON DATABASE::SBTest TO sa";
}

// ----- tutorial scripts -----

const TUTORIAL_LESSON1: &str = r#"
USE master;
GO
IF NOT EXISTS (SELECT * FROM sys.databases WHERE name = N'AdventureWorks2008R2')
    CREATE DATABASE AdventureWorks2008R2;
GO
ALTER DATABASE AdventureWorks2008R2
      SET ENABLE_BROKER;
GO
USE AdventureWorks2008R2;
GO
CREATE MESSAGE TYPE
       [//AWDB/1DBSample/RequestMessage]
       VALIDATION = WELL_FORMED_XML;
CREATE MESSAGE TYPE
       [//AWDB/1DBSample/ReplyMessage]
       VALIDATION = WELL_FORMED_XML;
GO
CREATE CONTRACT [//AWDB/1DBSample/SampleContract]
      ([//AWDB/1DBSample/RequestMessage]
       SENT BY INITIATOR,
       [//AWDB/1DBSample/ReplyMessage]
       SENT BY TARGET
      );
GO
CREATE QUEUE TargetQueue1DB;

CREATE SERVICE
       [//AWDB/1DBSample/TargetService]
       ON QUEUE TargetQueue1DB
       ([//AWDB/1DBSample/SampleContract]);
GO
CREATE QUEUE InitiatorQueue1DB;

CREATE SERVICE
       [//AWDB/1DBSample/InitiatorService]
       ON QUEUE InitiatorQueue1DB;
GO
"#;

const TUTORIAL_LESSON2: &str = r#"
DECLARE @InitDlgHandle UNIQUEIDENTIFIER;
DECLARE @RequestMsg NVARCHAR(100);

BEGIN TRANSACTION;

BEGIN DIALOG @InitDlgHandle
     FROM SERVICE
      [//AWDB/1DBSample/InitiatorService]
     TO SERVICE
      N'//AWDB/1DBSample/TargetService'
     ON CONTRACT
      [//AWDB/1DBSample/SampleContract]
     WITH
         ENCRYPTION = OFF;

SELECT @RequestMsg =
       N'<RequestMsg>Message for Target service.</RequestMsg>';

SEND ON CONVERSATION @InitDlgHandle
     MESSAGE TYPE
     [//AWDB/1DBSample/RequestMessage]
     (@RequestMsg);

SELECT @RequestMsg AS SentRequestMsg;

COMMIT TRANSACTION;
GO

DECLARE @RecvReqDlgHandle UNIQUEIDENTIFIER;
DECLARE @RecvReqMsg NVARCHAR(100);
DECLARE @RecvReqMsgName sysname;

BEGIN TRANSACTION;

WAITFOR
( RECEIVE TOP(1)
    @RecvReqDlgHandle = conversation_handle,
    @RecvReqMsg = message_body,
    @RecvReqMsgName = message_type_name
  FROM TargetQueue1DB
), TIMEOUT 1000;

SELECT @RecvReqMsg AS ReceivedRequestMsg;

IF @RecvReqMsgName =
   N'//AWDB/1DBSample/RequestMessage'
BEGIN
     DECLARE @ReplyMsg NVARCHAR(100);
     SELECT @ReplyMsg =
     N'<ReplyMsg>Message for Initiator service.</ReplyMsg>';

     SEND ON CONVERSATION @RecvReqDlgHandle
          MESSAGE TYPE
          [//AWDB/1DBSample/ReplyMessage]
          (@ReplyMsg);

     END CONVERSATION @RecvReqDlgHandle;
END
ELSE IF @RecvReqMsgName =
    N'http://schemas.microsoft.com/SQL/ServiceBroker/EndDialog'
BEGIN
     END CONVERSATION @RecvReqDlgHandle;
END
ELSE IF @RecvReqMsgName =
    N'http://schemas.microsoft.com/SQL/ServiceBroker/Error'
BEGIN
     END CONVERSATION @RecvReqDlgHandle;
END

SELECT @ReplyMsg AS SentReplyMsg;

COMMIT TRANSACTION;
GO

DECLARE @RecvReplyMsg NVARCHAR(100);
DECLARE @RecvReplyDlgHandle UNIQUEIDENTIFIER;

BEGIN TRANSACTION;

WAITFOR
( RECEIVE TOP(1)
    @RecvReplyDlgHandle = conversation_handle,
    @RecvReplyMsg = message_body
  FROM InitiatorQueue1DB
), TIMEOUT 1000;

END CONVERSATION @RecvReplyDlgHandle;

-- Display recieved request.
SELECT @RecvReplyMsg AS ReceivedReplyMsg;

COMMIT TRANSACTION;
GO
"#;

const TUTORIAL_LESSON3: &str = r#"
IF EXISTS (SELECT * FROM sys.services
           WHERE name =
           N'//AWDB/1DBSample/TargetService')
     DROP SERVICE
     [//AWDB/1DBSample/TargetService];

IF EXISTS (SELECT * FROM sys.service_queues
           WHERE name = N'TargetQueue1DB')
     DROP QUEUE TargetQueue1DB;

-- Drop the intitator queue and service if they already exist.
IF EXISTS (SELECT * FROM sys.services
           WHERE name =
           N'//AWDB/1DBSample/InitiatorService')
     DROP SERVICE
     [//AWDB/1DBSample/InitiatorService];

IF EXISTS (SELECT * FROM sys.service_queues
           WHERE name = N'InitiatorQueue1DB')
     DROP QUEUE InitiatorQueue1DB;

IF EXISTS (SELECT * FROM sys.service_contracts
           WHERE name =
           N'//AWDB/1DBSample/SampleContract')
     DROP CONTRACT
     [//AWDB/1DBSample/SampleContract];

IF EXISTS (SELECT * FROM sys.service_message_types
           WHERE name =
           N'//AWDB/1DBSample/RequestMessage')
     DROP MESSAGE TYPE
     [//AWDB/1DBSample/RequestMessage];

IF EXISTS (SELECT * FROM sys.service_message_types
           WHERE name =
           N'//AWDB/1DBSample/ReplyMessage')
     DROP MESSAGE TYPE
     [//AWDB/1DBSample/ReplyMessage];
GO
"#;

const ACTIVATION_PROC: &str = r#"
CREATE PROCEDURE TargetActivProc
AS
  DECLARE @RecvReqDlgHandle UNIQUEIDENTIFIER;
  DECLARE @RecvReqMsg NVARCHAR(100);
  DECLARE @RecvReqMsgName sysname;

  WHILE (1=1)
  BEGIN

    BEGIN TRANSACTION;

    WAITFOR
    ( RECEIVE TOP(1)
        @RecvReqDlgHandle = conversation_handle,
        @RecvReqMsg = message_body,
        @RecvReqMsgName = message_type_name
      FROM TargetQueueIntAct
    ), TIMEOUT 5000;

    IF (@@ROWCOUNT = 0)
    BEGIN
      ROLLBACK TRANSACTION;
      BREAK;
    END

    IF @RecvReqMsgName =
       N'//AWDB/InternalAct/RequestMessage'
    BEGIN
       DECLARE @ReplyMsg NVARCHAR(100);
       SELECT @ReplyMsg =
       N'<ReplyMsg>Message for Initiator service.</ReplyMsg>';

       SEND ON CONVERSATION @RecvReqDlgHandle
              MESSAGE TYPE
              [//AWDB/InternalAct/ReplyMessage]
              (@ReplyMsg);
    END
    ELSE IF @RecvReqMsgName =
        N'http://schemas.microsoft.com/SQL/ServiceBroker/EndDialog'
    BEGIN
       END CONVERSATION @RecvReqDlgHandle;
    END
    ELSE IF @RecvReqMsgName =
        N'http://schemas.microsoft.com/SQL/ServiceBroker/Error'
    BEGIN
       END CONVERSATION @RecvReqDlgHandle;
    END

    COMMIT TRANSACTION;

  END
GO

ALTER QUEUE TargetQueueIntAct
    WITH ACTIVATION
    ( STATUS = ON,
      PROCEDURE_NAME = TargetActivProc,
      MAX_QUEUE_READERS = 10,
      EXECUTE AS SELF
    );
GO
"#;

fn verify_script(script: &str) -> Vec<Vec<Stmt>> {
    split_batches(script)
        .iter()
        .map(|b| verified(&b.text))
        .collect()
}

#[test]
fn tutorial_lesson1_objects() {
    let batches = verify_script(TUTORIAL_LESSON1);
    assert_eq!(batches.len(), 8);
    match &batches[4][0].kind {
        StmtKind::CreateMessageType(m) => {
            assert_eq!(m.name.value, "//AWDB/1DBSample/RequestMessage");
            assert_eq!(m.name.quote, QuoteStyle::Bracket);
            assert_eq!(m.validation, Some(Validation::WellFormedXml));
        }
        other => panic!("unexpected {other:?}"),
    }
    match &batches[5][0].kind {
        StmtKind::CreateContract(c) => {
            assert_eq!(c.messages.len(), 2);
            assert_eq!(c.messages[1].sent_by, SentBy::Target);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn tutorial_lesson2_conversation() {
    let batches = verify_script(TUTORIAL_LESSON2);
    assert_eq!(batches.len(), 3);
    let first = &batches[0];
    assert_eq!(first.len(), 8);
    match &first[3].kind {
        StmtKind::BeginDialog(d) => {
            assert_eq!(d.handle, "@InitDlgHandle");
            assert_eq!(d.encryption, Some(false));
            assert_eq!(d.from_service.value, "//AWDB/1DBSample/InitiatorService");
            assert_eq!(
                d.to_service,
                Expr::Literal(Literal::String {
                    value: "//AWDB/1DBSample/TargetService".into(),
                    national: true
                })
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    assert_eq!(first[3].line, 7);
    match &batches[1][4].kind {
        StmtKind::WaitFor(w) => {
            assert_eq!(w.timeout, Some(Expr::int(1000)));
            match &w.statement {
                WaitForStatement::Receive(r) => {
                    assert_eq!(r.columns.len(), 3);
                    assert_eq!(r.top, Some(Expr::int(1)));
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn tutorial_lesson3_cleanup() {
    let batches = verify_script(TUTORIAL_LESSON3);
    assert_eq!(batches.len(), 1);
    assert_eq!(batches[0].len(), 7);
    assert!(matches!(
        &batches[0][1].kind,
        StmtKind::If { then_stmt, .. } if matches!(then_stmt.kind, StmtKind::DropBrokerObject { kind: BrokerObjectKind::Queue, .. })
    ));
}

#[test]
fn activation_procedure() {
    let batches = verify_script(ACTIVATION_PROC);
    assert_eq!(batches.len(), 2);
    match &batches[0][0].kind {
        StmtKind::CreateProcedure(p) => {
            assert_eq!(p.body.len(), 4);
            assert!(matches!(p.body[3].kind, StmtKind::While { .. }));
        }
        other => panic!("unexpected {other:?}"),
    }
    match &batches[1][0].kind {
        StmtKind::AlterQueue(a) => match &a.action {
            AlterQueueAction::With(o) => match &o.activation {
                Some(Activation::Options(act)) => {
                    assert_eq!(act.max_queue_readers, Some(10));
                    assert_eq!(act.execute_as, Some(ExecuteAs::SelfPrincipal));
                    assert_eq!(act.status, Some(true));
                }
                other => panic!("unexpected {other:?}"),
            },
            other => panic!("unexpected {other:?}"),
        },
        other => panic!("unexpected {other:?}"),
    }
}

// ----- structural checks -----

#[test]
fn default_contract_is_bracketed() {
    let s = verified_one("CREATE SERVICE s ON QUEUE q ([DEFAULT])");
    match s.kind {
        StmtKind::CreateService(c) => {
            assert_eq!(c.contracts[0], Ident::bracketed("DEFAULT"));
        }
        other => panic!("unexpected {other:?}"),
    }
    // bare DEFAULT is a keyword and cannot name a contract
    assert!(parse_batch("CREATE SERVICE s ON QUEUE q (DEFAULT)").is_err());
}

#[test]
fn priority_any_vs_bracketed_any() {
    let s = verified_one(
        "CREATE BROKER PRIORITY p FOR CONVERSATION SET (CONTRACT_NAME = ANY, LOCAL_SERVICE_NAME = [ANY])",
    );
    match s.kind {
        StmtKind::CreateBrokerPriority(p) => {
            assert_eq!(p.contract_name, Some(NameOrAny::Any));
            assert_eq!(
                p.local_service_name,
                Some(NameOrAny::Name(Ident::bracketed("ANY")))
            );
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn expression_precedence_shape() {
    let s = verified_one("SELECT 1 + 2 * 3");
    let StmtKind::Select(q) = s.kind else {
        panic!()
    };
    let SetExpr::Select(sel) = q.body else {
        panic!()
    };
    let SelectItem::Expr { expr, .. } = &sel.items[0] else {
        panic!()
    };
    assert_eq!(
        *expr,
        Expr::Binary {
            left: Box::new(Expr::int(1)),
            op: BinaryOp::Add,
            right: Box::new(Expr::Binary {
                left: Box::new(Expr::int(2)),
                op: BinaryOp::Mul,
                right: Box::new(Expr::int(3)),
            }),
        }
    );
    // AND binds tighter than OR; NOT binds looser than comparison
    let s = verified_one("SELECT 1 WHERE NOT a = 1 OR b = 2 AND c = 3");
    let StmtKind::Select(q) = s.kind else {
        panic!()
    };
    let SetExpr::Select(sel) = q.body else {
        panic!()
    };
    match sel.selection {
        Some(Expr::Binary {
            op: BinaryOp::Or,
            left,
            right,
        }) => {
            assert!(matches!(
                *left,
                Expr::Unary {
                    op: UnaryOp::Not,
                    ..
                }
            ));
            assert!(matches!(
                *right,
                Expr::Binary {
                    op: BinaryOp::And,
                    ..
                }
            ));
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn xml_method_call_shapes() {
    let s = verified_one("SELECT T.c.value('@a', 'int') FROM @x.nodes('/r') AS T(c)");
    let StmtKind::Select(q) = s.kind else {
        panic!()
    };
    let SetExpr::Select(sel) = q.body else {
        panic!()
    };
    match &sel.items[0] {
        SelectItem::Expr {
            expr: Expr::MethodCall { target, method, .. },
            ..
        } => {
            assert_eq!(method.value, "value");
            assert_eq!(
                **target,
                Expr::Column(ObjectName {
                    parts: vec![Ident::new("T"), Ident::new("c")]
                })
            );
        }
        other => panic!("unexpected {other:?}"),
    }
    match &sel.from[0].source {
        TableSource::Function {
            expr: Expr::MethodCall { target, .. },
            alias,
            columns,
            ..
        } => {
            assert_eq!(**target, Expr::Variable("@x".into()));
            assert_eq!(alias.as_ref().map(|a| a.value.as_str()), Some("T"));
            assert_eq!(columns.len(), 1);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn statement_lines() {
    let v = verified("SELECT 1;\n\nPRINT 'x'\nIF 1 = 1\n  BEGIN\n    RETURN\n  END");
    assert_eq!(v.iter().map(|s| s.line).collect::<Vec<_>>(), vec![1, 3, 4]);
    match &v[2].kind {
        StmtKind::If { then_stmt, .. } => {
            assert_eq!(then_stmt.line, 5);
            let StmtKind::Block(b) = &then_stmt.kind else {
                panic!()
            };
            assert_eq!(b[0].line, 6);
        }
        other => panic!("unexpected {other:?}"),
    }
}

#[test]
fn proc_body_takes_rest_of_batch() {
    let v = verified("CREATE PROCEDURE p AS SELECT 1; SELECT 2\nSELECT 3");
    assert_eq!(v.len(), 1);
    let StmtKind::CreateProcedure(p) = &v[0].kind else {
        panic!()
    };
    assert_eq!(p.body.len(), 3);
}

#[test]
fn alter_database_generic_options() {
    let s = verified_one(
        "ALTER DATABASE [x] SET TRUSTWORTHY ON, ENABLE_BROKER WITH ROLLBACK IMMEDIATE",
    );
    let StmtKind::AlterDatabase(a) = s.kind else {
        panic!()
    };
    assert!(a.option("trustworthy").is_some_and(|o| o.is_on()));
    assert!(a.option("ENABLE_BROKER").is_some_and(|o| o.value.is_none()));
    assert_eq!(a.termination, Some(Termination::RollbackImmediate));
}

#[test]
fn exec_sp_executesql_shape() {
    let s = verified_one("EXEC sp_executesql @stmt, N'@p int OUTPUT', @p = @x OUTPUT");
    let StmtKind::Exec(e) = s.kind else { panic!() };
    assert_eq!(e.args.len(), 3);
    assert_eq!(e.args[2].name.as_deref(), Some("@p"));
    assert!(e.args[2].output);
    assert!(!e.args[1].output);
}

#[test]
fn binary_literal_odd_digits() {
    let s = verified_one("SELECT 0x123");
    assert!(s.to_string().contains("0x0123"));
}

#[test]
fn display_is_sql() {
    let v = parse_batch("select top 1 a from t where b=1").unwrap();
    assert_eq!(format_batch(&v), "SELECT TOP (1) a FROM t WHERE b = 1;\n");
}
