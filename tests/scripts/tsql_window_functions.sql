-- Window functions (ROW_NUMBER, RANK, DENSE_RANK, NTILE, LAG, LEAD, aggregates OVER with and
-- without ORDER BY), recursive CTEs, STRING_AGG, CHOOSE and EOMONTH.
CREATE DATABASE WinDb;
GO
USE WinDb;
CREATE TABLE dbo.Msgs (Conv NVARCHAR(5), Seq INT);
INSERT INTO dbo.Msgs VALUES (N'a', 3), (N'a', 1), (N'b', 5), (N'a', 2), (N'b', 2);
SELECT Conv, Seq,
       ROW_NUMBER() OVER (PARTITION BY Conv ORDER BY Seq) AS rn,
       RANK() OVER (ORDER BY Seq) AS rk,
       DENSE_RANK() OVER (ORDER BY Seq) AS dr,
       SUM(Seq) OVER (PARTITION BY Conv) AS conv_total,
       SUM(Seq) OVER (PARTITION BY Conv ORDER BY Seq) AS running,
       COUNT(*) OVER () AS n,
       LAG(Seq) OVER (PARTITION BY Conv ORDER BY Seq) AS prev,
       LEAD(Seq, 1, 0) OVER (PARTITION BY Conv ORDER BY Seq) AS nxt
FROM dbo.Msgs ORDER BY Conv, Seq;
-- The latest message of each conversation.
SELECT Conv, Seq FROM (
    SELECT Conv, Seq, ROW_NUMBER() OVER (PARTITION BY Conv ORDER BY Seq DESC) AS rn FROM dbo.Msgs
) AS x WHERE rn = 1 ORDER BY Conv;
SELECT NTILE(2) OVER (ORDER BY Seq, Conv) AS tile, Seq FROM dbo.Msgs ORDER BY Seq, Conv;
-- A recursive CTE, and its recursion limit.
WITH n AS (SELECT 1 AS i UNION ALL SELECT i + 1 FROM n WHERE i < 10)
SELECT COUNT(*) AS cnt, SUM(i) AS total FROM n;
WITH forever AS (SELECT 1 AS i UNION ALL SELECT i + 1 FROM forever)
SELECT COUNT(*) FROM forever;
GO
SELECT Conv, STRING_AGG(CAST(Seq AS NVARCHAR(10)), N',') AS seqs FROM dbo.Msgs GROUP BY Conv ORDER BY Conv;
SELECT CHOOSE(2, N'a', N'b', N'c') AS second, CHOOSE(9, N'a') AS none,
       EOMONTH('2024-02-10') AS feb, EOMONTH('2023-11-15', 2) AS jan;
GO
