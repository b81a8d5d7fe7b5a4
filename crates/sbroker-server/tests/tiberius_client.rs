//! A real third-party TDS driver (tiberius) against the sbroker server on a real socket:
//! login, SQL batches, parameterized queries (RPC sp_executesql), typed values, errors,
//! transactions across batches, SQL authentication, and a whole Service Broker dialog.

mod common;

use common::{Server, start_with};
use sbroker_server::{Auth, ServerConfig};
use tiberius::{AuthMethod, Client, Config, EncryptionLevel};
use tokio::net::TcpStream;
use tokio_util::compat::{Compat, TokioAsyncWriteCompatExt};

/// A server on an ephemeral port of 127.0.0.1, stopped when dropped.
fn start(auth: Auth) -> Server {
    let mut config = ServerConfig::default_with(auth);
    config.tls = Some(sbroker_server::TlsSetup::self_signed().unwrap());
    start_with(config)
}

async fn connect_as(
    port: u16,
    user: &str,
    password: &str,
    db: Option<&str>,
) -> tiberius::Result<Client<Compat<TcpStream>>> {
    connect_with(port, user, password, db, EncryptionLevel::NotSupported).await
}

async fn connect_with(
    port: u16,
    user: &str,
    password: &str,
    db: Option<&str>,
    encryption: EncryptionLevel,
) -> tiberius::Result<Client<Compat<TcpStream>>> {
    let mut config = Config::new();
    config.host("127.0.0.1");
    config.port(port);
    config.authentication(AuthMethod::sql_server(user, password));
    config.encryption(encryption);
    config.trust_cert();
    if let Some(db) = db {
        config.database(db);
    }
    let tcp = TcpStream::connect(config.get_addr()).await.unwrap();
    tcp.set_nodelay(true).unwrap();
    Client::connect(config, tcp.compat_write()).await
}

async fn connect(port: u16) -> Client<Compat<TcpStream>> {
    connect_as(port, "sa", "", None).await.unwrap()
}

fn rt() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

#[test]
fn batches_return_typed_values() {
    let server = start(Auth::Trust);
    rt().block_on(async {
        let mut c = connect(server.port).await;
        let rows = c
            .simple_query(
                "SELECT CAST(7 AS tinyint) AS a, CAST(-3 AS smallint) AS b, 42 AS c, \
                 CAST(9000000000 AS bigint) AS d, CAST(1 AS bit) AS e, \
                 CAST(12.345 AS decimal(10,3)) AS f, CAST(2.5 AS float) AS g, \
                 N'héllo 😀' AS h, 'café' AS i, 0x0A0B AS j, \
                 CAST('6F9619FF-8B86-D011-B42D-00C04FC964FF' AS uniqueidentifier) AS k, \
                 CAST('<r><x>1</x></r>' AS xml) AS l, \
                 CAST('2026-11-22T10:11:12.1234567' AS datetime2) AS m, \
                 CAST('2026-11-22T10:11:12.997' AS datetime) AS n, \
                 CAST('2026-11-22' AS date) AS o, NULL AS p",
            )
            .await
            .unwrap()
            .into_first_result()
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        let r = &rows[0];
        assert_eq!(r.get::<u8, _>("a"), Some(7));
        assert_eq!(r.get::<i16, _>("b"), Some(-3));
        assert_eq!(r.get::<i32, _>("c"), Some(42));
        assert_eq!(r.get::<i64, _>("d"), Some(9_000_000_000));
        assert_eq!(r.get::<bool, _>("e"), Some(true));
        let f: tiberius::numeric::Numeric = r.get("f").unwrap();
        assert_eq!(f.to_string(), "12.345");
        assert_eq!(r.get::<f64, _>("g"), Some(2.5));
        assert_eq!(r.get::<&str, _>("h"), Some("héllo 😀"));
        assert_eq!(r.get::<&str, _>("i"), Some("café"));
        assert_eq!(r.get::<&[u8], _>("j"), Some(&[0x0A, 0x0B][..]));
        let k: tiberius::Uuid = r.get("k").unwrap();
        assert_eq!(
            k.to_string().to_uppercase(),
            "6F9619FF-8B86-D011-B42D-00C04FC964FF"
        );
        let l: &tiberius::xml::XmlData = r.get("l").unwrap();
        assert_eq!(l.as_ref(), "<r><x>1</x></r>");
        // Without a date-time crate feature, tiberius hands out the raw wire values.
        let cell = |name: &str| {
            r.cells()
                .find(|(c, _)| c.name() == name)
                .map(|(_, d)| d.clone())
                .unwrap()
        };
        match cell("m") {
            tiberius::ColumnData::DateTime2(Some(m)) => {
                // Days since 0001-01-01 and 100 ns increments since midnight.
                assert_eq!(m.date().days(), 739_941);
                assert_eq!(m.time().increments(), 366_721_234_567);
            }
            other => panic!("{other:?}"),
        }
        match cell("n") {
            tiberius::ColumnData::DateTime(Some(n)) => {
                assert_eq!(n.days(), 46_346);
                assert_eq!(
                    n.seconds_fragments(),
                    (10 * 3600 + 11 * 60 + 12) * 300 + 299
                );
            }
            other => panic!("{other:?}"),
        }
        match cell("o") {
            tiberius::ColumnData::Date(Some(o)) => assert_eq!(o.days(), 739_941),
            other => panic!("{other:?}"),
        }
        assert_eq!(r.get::<i32, _>("p"), None);
    });
}

#[test]
fn parameterized_queries_run_through_sp_executesql() {
    let server = start(Auth::Trust);
    rt().block_on(async {
        let mut c = connect(server.port).await;
        c.execute(
            "CREATE TABLE dbo.t (id int PRIMARY KEY, name nvarchar(50))",
            &[],
        )
        .await
        .unwrap();
        let done = c
            .execute(
                "INSERT dbo.t VALUES (@P1, @P2), (@P3, @P4)",
                &[&1i32, &"one", &2i32, &"two"],
            )
            .await
            .unwrap();
        assert_eq!(done.total(), 2);
        let row = c
            .query("SELECT name, id * 10 FROM dbo.t WHERE id = @P1", &[&2i32])
            .await
            .unwrap()
            .into_row()
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.get::<&str, _>(0), Some("two"));
        assert_eq!(row.get::<i32, _>(1), Some(20));
        // A long string parameter travels as nvarchar(max) (PLP).
        let long = "x".repeat(10_000);
        let row = c
            .query("SELECT LEN(@P1)", &[&long.as_str()])
            .await
            .unwrap()
            .into_row()
            .await
            .unwrap()
            .unwrap();
        assert_eq!(row.get::<i32, _>(0), Some(10_000));
    });
}

/// Runs a batch that must succeed.
async fn exec(c: &mut Client<Compat<TcpStream>>, sql: &str) {
    c.simple_query(sql)
        .await
        .unwrap()
        .into_results()
        .await
        .unwrap();
}

/// Runs a batch and returns its first result set.
async fn first_rows(c: &mut Client<Compat<TcpStream>>, sql: &str) -> Vec<tiberius::Row> {
    c.simple_query(sql)
        .await
        .unwrap()
        .into_first_result()
        .await
        .unwrap()
}

/// Runs a batch that must fail and returns the server's error (tiberius reports it either
/// when the query starts or while its results are read).
async fn server_error(c: &mut Client<Compat<TcpStream>>, sql: &str) -> tiberius::error::TokenError {
    let err = match c.simple_query(sql).await {
        Err(e) => e,
        Ok(stream) => stream.into_results().await.expect_err(sql),
    };
    match err {
        tiberius::error::Error::Server(e) => e,
        other => panic!("{sql}: {other:?}"),
    }
}

#[test]
fn errors_carry_sql_server_numbers_and_the_connection_goes_on() {
    let server = start(Auth::Trust);
    rt().block_on(async {
        let mut c = connect(server.port).await;
        let e = server_error(&mut c, "SELECT 1/0").await;
        assert_eq!(e.code(), 8134);
        assert_eq!(e.class(), 16);
        let e = server_error(&mut c, "SEND ON CONVERSATION 'not a guid' (0x01)").await;
        assert_eq!(e.class(), 16);
        // A syntax error is severity 15.
        let e = server_error(&mut c, "SELEC 1").await;
        assert_eq!(e.class(), 15);
        // A broker error keeps its SQL Server number: an unknown conversation handle.
        let e = server_error(
            &mut c,
            "SEND ON CONVERSATION '00000000-0000-0000-0000-000000000001' (0x01)",
        )
        .await;
        assert_eq!(e.code(), 8426);
        let rows = first_rows(&mut c, "SELECT 5").await;
        assert_eq!(rows[0].get::<i32, _>(0), Some(5));
    });
}

#[test]
fn a_transaction_spans_batches_and_a_closed_connection_rolls_back() {
    let server = start(Auth::Trust);
    rt().block_on(async {
        let mut c = connect(server.port).await;
        exec(&mut c, "CREATE TABLE dbo.k (v int)").await;
        exec(&mut c, "BEGIN TRANSACTION; INSERT dbo.k VALUES (1)").await;
        let rows = first_rows(&mut c, "SELECT @@TRANCOUNT, COUNT(*) FROM dbo.k").await;
        assert_eq!(rows[0].get::<i32, _>(0), Some(1));
        assert_eq!(rows[0].get::<i32, _>(1), Some(1));
        exec(&mut c, "INSERT dbo.k VALUES (2)").await;
        drop(c);

        let mut c2 = connect(server.port).await;
        // The first connection's transaction was rolled back when it closed.
        let mut count = -1;
        for _ in 0..50 {
            let rows = first_rows(&mut c2, "SELECT COUNT(*) FROM dbo.k").await;
            count = rows[0].get::<i32, _>(0).unwrap();
            if count == 0 {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
        assert_eq!(count, 0);
        exec(&mut c2, "BEGIN TRAN; INSERT dbo.k VALUES (3); COMMIT").await;
        let rows = first_rows(&mut c2, "SELECT v FROM dbo.k").await;
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].get::<i32, _>(0), Some(3));
    });
}

#[test]
fn sql_authentication_checks_passwords() {
    let server = start(Auth::SaPassword("Str0ng!pw".into()));
    rt().block_on(async {
        let err = match connect_as(server.port, "sa", "wrong", None).await {
            Ok(_) => panic!("a wrong password must fail"),
            Err(e) => e,
        };
        match err {
            tiberius::error::Error::Server(e) => assert_eq!(e.code(), 18456),
            other => panic!("{other:?}"),
        }
        let mut c = connect_as(server.port, "sa", "Str0ng!pw", None)
            .await
            .unwrap();
        exec(
            &mut c,
            "CREATE LOGIN app WITH PASSWORD = 'App!pw1'; CREATE DATABASE appdb",
        )
        .await;
        let mut app = connect_as(server.port, "app", "App!pw1", Some("appdb"))
            .await
            .unwrap();
        let rows = first_rows(
            &mut app,
            "SELECT DB_NAME(), SUSER_SNAME(), s.login_name, s.program_name, c.net_transport \
             FROM sys.dm_exec_sessions s JOIN sys.dm_exec_connections c \
               ON c.session_id = s.session_id WHERE s.session_id = @@SPID",
        )
        .await;
        assert_eq!(rows[0].get::<&str, _>(0), Some("appdb"));
        // The session knows its login and client.
        assert_eq!(rows[0].get::<&str, _>(1), Some("app"));
        assert_eq!(rows[0].get::<&str, _>(2), Some("app"));
        assert!(rows[0].get::<&str, _>(3).is_some());
        assert_eq!(rows[0].get::<&str, _>(4), Some("TCP"));
        assert!(connect_as(server.port, "app", "nope", None).await.is_err());
        assert!(
            connect_as(server.port, "nobody", "App!pw1", None)
                .await
                .is_err()
        );
        // A database that does not exist fails the login (4060).
        assert!(
            connect_as(server.port, "sa", "Str0ng!pw", Some("nodb"))
                .await
                .is_err()
        );
    });
}

/// The tutorial's dialog, driven by a client driver: SEND in one connection, RECEIVE in
/// another, the body and conversation handle arriving as typed columns.
#[test]
fn a_dialog_over_tds() {
    let server = start(Auth::Trust);
    rt().block_on(async {
        let mut setup = connect(server.port).await;
        exec(&mut setup, "CREATE DATABASE sbtest").await;
        let mut a = connect_as(server.port, "sa", "", Some("sbtest"))
            .await
            .unwrap();
        exec(
            &mut a,
            "CREATE MESSAGE TYPE [//t/Req] VALIDATION = WELL_FORMED_XML;
             CREATE CONTRACT [//t/C] ([//t/Req] SENT BY INITIATOR);
             CREATE QUEUE dbo.InitQ; CREATE QUEUE dbo.TargetQ;
             CREATE SERVICE [//t/Init] ON QUEUE dbo.InitQ;
             CREATE SERVICE [//t/Target] ON QUEUE dbo.TargetQ ([//t/C]);",
        )
        .await;
        let rows = a
            .query(
                "DECLARE @h uniqueidentifier;
                 BEGIN DIALOG @h FROM SERVICE [//t/Init] TO SERVICE '//t/Target'
                   ON CONTRACT [//t/C] WITH ENCRYPTION = OFF;
                 SEND ON CONVERSATION @h MESSAGE TYPE [//t/Req] (@P1);
                 SELECT @h;",
                &[&"<req n=\"1\"/>"],
            )
            .await
            .unwrap()
            .into_first_result()
            .await
            .unwrap();
        let sent: tiberius::Uuid = rows[0].get(0).unwrap();

        let mut b = connect_as(server.port, "sa", "", Some("sbtest"))
            .await
            .unwrap();
        let rows = b
            .simple_query(
                "WAITFOR (RECEIVE TOP (1) conversation_handle, message_type_name,
                   CAST(message_body AS xml) AS body, message_body FROM dbo.TargetQ),
                 TIMEOUT 5000",
            )
            .await
            .unwrap()
            .into_first_result()
            .await
            .unwrap();
        assert_eq!(rows.len(), 1);
        let target_handle: tiberius::Uuid = rows[0].get(0).unwrap();
        assert_ne!(target_handle, sent);
        assert_eq!(rows[0].get::<&str, _>(1), Some("//t/Req"));
        let body: &tiberius::xml::XmlData = rows[0].get(2).unwrap();
        assert_eq!(body.as_ref(), "<req n=\"1\"/>");
        let raw: &[u8] = rows[0].get(3).unwrap();
        assert!(!raw.is_empty());
        // Exactly once: the queue is empty now.
        let rows = first_rows(&mut b, "SELECT COUNT(*) FROM dbo.TargetQ").await;
        assert_eq!(rows[0].get::<i32, _>(0), Some(0));
    });
}

/// A client that requires encryption gets TLS (handshake inside PRELOGIN, then TLS
/// records), and a TDS 8 strict client TLS from the first byte; the self-signed certificate
/// is accepted with trust_cert, as with SQL Server's own self-signed certificate.
#[test]
fn encrypted_connections() {
    let server = start(Auth::SaPassword("Tls!pw1".into()));
    rt().block_on(async {
        // Required and On: TLS inside PRELOGIN (TDS 7.x); Strict: TLS first (TDS 8).
        for level in [
            EncryptionLevel::Required,
            EncryptionLevel::On,
            EncryptionLevel::Strict,
        ] {
            let mut c = connect_with(server.port, "sa", "Tls!pw1", None, level)
                .await
                .unwrap();
            let big = "y".repeat(50_000);
            let rows = c
                .query("SELECT @P1 AS v, LEN(@P1) AS n", &[&big.as_str()])
                .await
                .unwrap()
                .into_first_result()
                .await
                .unwrap();
            assert_eq!(rows[0].get::<&str, _>("v"), Some(big.as_str()));
            assert_eq!(rows[0].get::<i32, _>("n"), Some(50_000));
            let e = server_error(&mut c, "SELECT 1/0").await;
            assert_eq!(e.code(), 8134);
        }
        // The password check also holds over TLS.
        assert!(
            connect_with(server.port, "sa", "nope", None, EncryptionLevel::Required)
                .await
                .is_err()
        );
    });
    // Without a certificate a client that requires encryption cannot connect; one that does
    // not ask still can.
    let plain = start_with(ServerConfig::default());
    rt().block_on(async {
        assert!(
            connect_with(plain.port, "sa", "", None, EncryptionLevel::Required)
                .await
                .is_err()
        );
        assert!(
            connect(plain.port)
                .await
                .simple_query("SELECT 1")
                .await
                .is_ok()
        );
    });
}
