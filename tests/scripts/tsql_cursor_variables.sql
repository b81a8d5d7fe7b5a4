-- Cursor variables: DECLARE @c CURSOR; SET @c = CURSOR … FOR …; OPEN/FETCH/CLOSE/DEALLOCATE @c.
CREATE TABLE subscribers (id INT, name NVARCHAR(20));
INSERT subscribers VALUES (1, N'ann'), (2, N'bo'), (3, N'cy');
GO
DECLARE @c CURSOR, @id INT, @name NVARCHAR(20), @all NVARCHAR(100) = N'';
SET @c = CURSOR LOCAL FAST_FORWARD FOR SELECT id, name FROM subscribers ORDER BY id;
OPEN @c;
FETCH NEXT FROM @c INTO @id, @name;
WHILE @@FETCH_STATUS = 0
BEGIN
    SET @all = @all + @name + N';';
    FETCH NEXT FROM @c INTO @id, @name;
END
CLOSE @c;
DEALLOCATE @c;
SELECT @all AS visited, @@FETCH_STATUS AS fetch_status;
GO
-- SCROLL cursors through a variable
DECLARE @s CURSOR, @name NVARCHAR(20);
SET @s = CURSOR LOCAL SCROLL FOR SELECT name FROM subscribers ORDER BY id;
OPEN @s;
FETCH LAST FROM @s INTO @name;
SELECT @name AS last_one;
FETCH FIRST FROM @s INTO @name;
SELECT @name AS first_one;
CLOSE @s;
DEALLOCATE @s;
GO
-- a cursor variable with no cursor assigned
DECLARE @none CURSOR;
OPEN @none;
GO
DECLARE @none CURSOR, @x INT;
FETCH NEXT FROM @none INTO @x;
GO
DECLARE @none CURSOR;
DEALLOCATE @none;
GO
-- CLOSE of a cursor that is not open, DEALLOCATE of one that does not exist
DECLARE k CURSOR FOR SELECT id FROM subscribers;
CLOSE k;
GO
DEALLOCATE k;
DEALLOCATE k;
GO
