-- UPDATE … FROM and DELETE … FROM, as activation procedures use them: the target named by
-- its alias or its table name, joined with table variables and other tables; a target row
-- joined to several source rows changes once; targets not in FROM are cross-joined.
CREATE DATABASE UfDb;
GO
USE UfDb;
CREATE TABLE dbo.Orders (Id INT PRIMARY KEY, Status NVARCHAR(20), Amount INT);
CREATE TABLE dbo.Payments (OrderId INT, Paid INT);
INSERT INTO dbo.Orders VALUES (1, N'new', 10), (2, N'new', 20), (3, N'new', 30);
INSERT INTO dbo.Payments VALUES (1, 10), (2, 5), (2, 15);
GO
-- Target by alias, joined with a table.
UPDATE o SET Status = N'paid', Amount = o.Amount - p.Paid
FROM dbo.Orders AS o JOIN dbo.Payments AS p ON p.OrderId = o.Id
WHERE p.Paid >= 10;
SELECT Id, Status, Amount FROM dbo.Orders ORDER BY Id;
-- Target by table name, messages from a table variable (the RECEIVE … INTO pattern).
DECLARE @msgs TABLE (OrderId INT, NewStatus NVARCHAR(20));
INSERT INTO @msgs VALUES (3, N'shipped'), (9, N'ghost');
UPDATE dbo.Orders SET Status = m.NewStatus
FROM dbo.Orders JOIN @msgs AS m ON m.OrderId = dbo.Orders.Id;
SELECT Id, Status FROM dbo.Orders ORDER BY Id;
-- Target not named in FROM: joined through WHERE.
UPDATE dbo.Orders SET Amount = 0 FROM dbo.Payments AS p WHERE p.OrderId = dbo.Orders.Id AND p.Paid = 5;
SELECT Id, Amount FROM dbo.Orders ORDER BY Id;
-- Updating a table variable from a table.
DECLARE @totals TABLE (OrderId INT, Total INT);
INSERT INTO @totals VALUES (1, 0), (2, 0);
UPDATE t SET Total = p.Paid FROM @totals AS t JOIN dbo.Payments AS p ON p.OrderId = t.OrderId AND p.Paid > 5;
SELECT OrderId, Total FROM @totals ORDER BY OrderId;
GO
-- DELETE … FROM with a join, by alias and by name.
DELETE p FROM dbo.Payments AS p JOIN dbo.Orders AS o ON o.Id = p.OrderId WHERE o.Status = N'paid' AND p.Paid < 12;
SELECT OrderId, Paid FROM dbo.Payments ORDER BY OrderId, Paid;
DELETE FROM dbo.Orders FROM dbo.Orders JOIN dbo.Payments ON dbo.Payments.OrderId = dbo.Orders.Id;
SELECT Id FROM dbo.Orders ORDER BY Id;
-- Key violations are refused as a whole.
INSERT INTO dbo.Orders VALUES (4, N'new', 1), (5, N'new', 2);
UPDATE o SET Id = 4 FROM dbo.Orders AS o WHERE o.Id = 5;
GO
SELECT Id FROM dbo.Orders ORDER BY Id;
GO
