-- EXECUTE AS USER switches the database user (USER_NAME(), CURRENT_USER, USER_ID());
-- REVERT returns to the previous context; contexts nest.
CREATE USER alice WITHOUT LOGIN;
CREATE USER bob WITHOUT LOGIN;
CREATE ROLE readers;
ALTER ROLE readers ADD MEMBER alice;
ALTER ROLE db_datareader ADD MEMBER readers;
GO
SELECT USER_NAME() AS who, CURRENT_USER AS cur;
EXECUTE AS USER = 'alice';
SELECT USER_NAME() AS who, USER_ID() AS id_matches_principal
  -- USER_ID() is the impersonated principal
  , CASE WHEN USER_ID() = DATABASE_PRINCIPAL_ID('alice') THEN 1 ELSE 0 END AS same;
SELECT IS_MEMBER('readers') AS in_readers, IS_MEMBER('db_datareader') AS via_nested_role,
       IS_MEMBER('db_datawriter') AS in_writer, IS_MEMBER('no_such_role') AS unknown_role;
EXECUTE AS USER = 'bob';
SELECT USER_NAME() AS nested;
REVERT;
SELECT USER_NAME() AS after_one_revert;
REVERT;
SELECT USER_NAME() AS after_two_reverts;
GO
SELECT IS_ROLEMEMBER('readers', 'alice') AS alice_reader, IS_ROLEMEMBER('readers', 'bob') AS bob_reader,
       IS_MEMBER('db_owner') AS dbo_owner;
GO
-- a role or an unknown user cannot be impersonated
EXECUTE AS USER = 'readers';
GO
EXECUTE AS USER = 'nobody';
GO
EXECUTE AS LOGIN = 'nologin';
GO
SELECT USER_NAME() AS still;
GO
-- an EXECUTE AS inside a procedure (or dynamic SQL) ends when it returns
CREATE PROCEDURE as_alice AS BEGIN EXECUTE AS USER = 'alice'; SELECT USER_NAME() AS inside; END
GO
EXEC as_alice;
SELECT USER_NAME() AS after_proc;
EXEC (N'EXECUTE AS USER = ''bob''; SELECT USER_NAME() AS inside_dynamic;');
SELECT USER_NAME() AS after_dynamic;
GO
