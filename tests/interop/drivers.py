#!/usr/bin/env python3
"""Third-party SQL Server drivers against `sbroker serve`.

Usage: drivers.py PORT DRIVER [DRIVER ...]   (DRIVER: pytds, odbc, tsql)

Each driver connects without TLS (the server answers ENCRYPT_NOT_SUP), runs typed queries,
a parameterized query, an error, a rolled-back and a committed transaction, and one
Service Broker dialog (SEND on one connection, WAITFOR(RECEIVE) on another). Exits non-zero
on the first failed check, printing what differed.
"""

import os
import subprocess
import sys
import uuid

PORT = int(sys.argv[1])
DRIVERS = sys.argv[2:]


def check(what, got, want):
    if got != want:
        print(f"FAIL {what}: got {got!r}, want {want!r}")
        sys.exit(1)
    print(f"ok   {what}")


def setup_sql(db):
    return [
        f"IF DB_ID('{db}') IS NULL CREATE DATABASE {db}",
        f"USE {db}",
        "CREATE TABLE dbo.t (id int PRIMARY KEY, name nvarchar(50))",
        "CREATE MESSAGE TYPE [//i/Req] VALIDATION = WELL_FORMED_XML",
        "CREATE CONTRACT [//i/C] ([//i/Req] SENT BY INITIATOR)",
        "CREATE QUEUE dbo.InitQ",
        "CREATE QUEUE dbo.TargetQ",
        "CREATE SERVICE [//i/Init] ON QUEUE dbo.InitQ",
        "CREATE SERVICE [//i/Target] ON QUEUE dbo.TargetQ ([//i/C])",
    ]


SEND = """DECLARE @h uniqueidentifier;
BEGIN DIALOG @h FROM SERVICE [//i/Init] TO SERVICE '//i/Target' ON CONTRACT [//i/C]
  WITH ENCRYPTION = OFF;
SEND ON CONVERSATION @h MESSAGE TYPE [//i/Req] (N'<req n="7"/>');"""

RECEIVE = """WAITFOR (RECEIVE TOP (1) message_type_name, CAST(message_body AS nvarchar(max))
  FROM dbo.TargetQ), TIMEOUT 5000"""


def dbapi_suite(name, connect, param):
    """pytds and mssql-python share the DB-API shape; `param` is the placeholder."""
    db = f"interop_{name}"
    conn = connect("master", True)
    cur = conn.cursor()
    for stmt in setup_sql(db):
        cur.execute(stmt)
    conn.close()

    conn = connect(db, True)
    cur = conn.cursor()
    cur.execute(
        "SELECT 42, N'héllo', CAST(1 AS bit), CAST(2.50 AS decimal(5,2)), "
        "CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier), 0x0102, "
        "CAST(9000000000 AS bigint), NULL"
    )
    row = tuple(cur.fetchone())
    check(f"{name}: int", row[0], 42)
    check(f"{name}: nvarchar", row[1], "héllo")
    check(f"{name}: bit", bool(row[2]), True)
    check(f"{name}: decimal", str(row[3]) in ("2.50", "2.5"), True)
    check(
        f"{name}: uniqueidentifier",
        str(row[4]).upper(),
        "6F9619FF-8B86-D011-B42D-00C04FC964FF",
    )
    check(f"{name}: varbinary", bytes(row[5]), b"\x01\x02")
    check(f"{name}: bigint", row[6], 9000000000)
    check(f"{name}: NULL", row[7], None)

    cur.execute(f"SELECT {param} + 1, {param}", (41, "x"))
    check(f"{name}: parameters", tuple(cur.fetchone()), (42, "x"))

    try:
        cur.execute("SELECT 1/0")
        cur.fetchall()
        check(f"{name}: divide by zero raises", False, True)
    except Exception as e:  # drivers raise their own classes
        check(f"{name}: divide by zero raises", "Divide by zero" in str(e), True)
    cur.execute("SELECT 5")
    check(f"{name}: connection usable after an error", cur.fetchone()[0], 5)
    conn.close()

    conn = connect(db, False)
    cur = conn.cursor()
    cur.execute(f"INSERT dbo.t VALUES ({param}, {param})", (1, "rolled back"))
    conn.rollback()
    cur.execute(f"INSERT dbo.t VALUES ({param}, {param})", (2, "kept"))
    conn.commit()
    cur.execute("SELECT id, name FROM dbo.t ORDER BY id")
    check(f"{name}: commit and rollback", [tuple(r) for r in cur.fetchall()], [(2, "kept")])
    conn.close()

    sender = connect(db, True)
    sender.cursor().execute(SEND)
    sender.close()
    receiver = connect(db, True)
    cur = receiver.cursor()
    cur.execute(RECEIVE)
    rows = [tuple(r) for r in cur.fetchall()]
    check(f"{name}: dialog message received", rows, [("//i/Req", '<req n="7"/>')])
    cur.execute("SELECT COUNT(*) FROM dbo.TargetQ")
    check(f"{name}: exactly once", cur.fetchone()[0], 0)
    receiver.close()


def run_pytds():
    import pytds

    def connect(db, autocommit):
        return pytds.connect(
            "127.0.0.1", port=PORT, user="sa", password="x", database=db,
            autocommit=autocommit,
        )

    dbapi_suite("pytds", connect, "%s")

    # A procedure called by name over RPC (not through a batch): typed parameters, an
    # OUTPUT parameter and the RETURN status come back in RETURNVALUE / RETURNSTATUS.
    conn = connect("interop_pytds", True)
    cur = conn.cursor()
    cur.execute(
        "CREATE PROCEDURE dbo.add_one @a int, @b int OUTPUT AS "
        "BEGIN SET NOCOUNT ON; SET @b = @a + 1; RETURN 7; END"
    )
    res = cur.callproc("dbo.add_one", (41, pytds.output(param_type=int)))
    check("pytds: RPC OUTPUT parameter", list(res), [41, 42])
    check("pytds: RPC return status", cur.get_proc_return_status(), 7)
    try:
        cur.callproc("dbo.missing", (1,))
        check("pytds: unknown procedure raises", False, True)
    except Exception as e:
        check("pytds: unknown procedure raises", "Could not find stored procedure" in str(e), True)
    conn.close()


def run_odbc():
    import mssql_python

    def connect(db, autocommit):
        conn = mssql_python.connect(
            f"Server=127.0.0.1,{PORT};Database={db};UID=sa;PWD=x;"
            "Encrypt=no;TrustServerCertificate=yes"
        )
        conn.autocommit = autocommit
        return conn

    dbapi_suite("odbc", connect, "?")

    # Encrypt=yes (the driver's default): TLS inside PRELOGIN with the server's self-signed
    # certificate, trusted explicitly as for a SQL Server without a configured one.
    conn = mssql_python.connect(
        f"Server=127.0.0.1,{PORT};Database=master;UID=sa;PWD=x;"
        "Encrypt=yes;TrustServerCertificate=yes"
    )
    cur = conn.cursor()
    cur.execute("SELECT ? + 1, REPLICATE(N'z', 20000)", (41,))
    row = tuple(cur.fetchone())
    check("odbc: encrypted connection", (row[0], len(row[1])), (42, 20000))
    conn.close()

    # TDS 8 strict (TLS before PRELOGIN): the driver verifies the certificate even with
    # TrustServerCertificate, so it pins the one the server wrote next to its data.
    cert = os.environ.get("SBROKER_TDS_CERT")
    if cert:
        conn = mssql_python.connect(
            f"Server=127.0.0.1,{PORT};Database=master;UID=sa;PWD=x;"
            f"Encrypt=strict;ServerCertificate={cert}"
        )
        cur = conn.cursor()
        cur.execute("SELECT ? + 1", (41,))
        check("odbc: TDS 8 strict", cur.fetchone()[0], 42)
        conn.close()


def run_tsql():
    script = "\n".join(s + "\ngo" for s in setup_sql("interop_tsql")) + "\n"
    script += SEND + "\ngo\n" + RECEIVE + "\ngo\nSELECT 1/0\ngo\nexit\n"
    out = subprocess.run(
        ["tsql", "-H", "127.0.0.1", "-p", str(PORT), "-U", "sa", "-P", "x"],
        input=script, capture_output=True, text=True, timeout=60,
    )
    text = out.stdout + out.stderr
    check("tsql: dialog message received", '<req n="7"/>' in text, True)
    check("tsql: error number", "Msg 8134" in text, True)


for d in DRIVERS:
    {"pytds": run_pytds, "odbc": run_odbc, "tsql": run_tsql}[d]()
print("all drivers passed:", " ".join(DRIVERS))
