//! Service Broker between two instances over real TCP on 127.0.0.1: endpoints that listen
//! while STARTED, routes with TCP addresses, a dialog whose messages arrive exactly once and
//! in order in the other instance, replies and END CONVERSATION coming back, and messages
//! that wait in sys.transmission_queue while the far endpoint is stopped, then flow.

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use sbroker_engine::Instance;
use sbroker_exec::{CollectSink, Executor, Value};

struct Node {
    exec: Executor,
    port: u16,
    stop: Arc<AtomicBool>,
    _dir: tempfile::TempDir,
}

impl Drop for Node {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn node() -> Node {
    let dir = tempfile::tempdir().unwrap();
    let instance = Instance::open(dir.path()).unwrap();
    let stop = Arc::new(AtomicBool::new(false));
    {
        let (inst, stop) = (instance.clone(), Arc::clone(&stop));
        std::thread::spawn(move || sbroker_server::broker_net::run(inst, stop));
    }
    let exec = Executor::new(&instance);
    Node {
        exec,
        port: free_port(),
        stop,
        _dir: dir,
    }
}

impl Node {
    fn sql(&mut self, text: &str) -> CollectSink {
        let mut sink = CollectSink::default();
        self.exec.execute_script(text, &mut sink);
        assert!(sink.errors.is_empty(), "{text}\n{:?}", sink.errors);
        sink
    }

    fn scalar(&mut self, text: &str) -> Value {
        let sink = self.sql(text);
        sink.result_sets
            .last()
            .and_then(|(_, rows)| rows.first())
            .and_then(|r| r.first())
            .cloned()
            .unwrap_or(Value::Null)
    }

    /// Polls `text` (a one-value query) until it returns `want`.
    fn wait_for(&mut self, text: &str, want: Value) {
        let start = Instant::now();
        loop {
            let got = self.scalar(text);
            if got == want {
                return;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "{text}: got {got:?}, want {want:?}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

/// Both instances: endpoint, database, message types, contract, queue, service, and a
/// route to the other side's service.
fn setup(n: &mut Node, db: &str, my_service: &str, far_service: &str, far_port: u16) {
    let port = n.port;
    n.sql(&format!(
        "CREATE ENDPOINT BrokerEndpoint STATE = STARTED
           AS TCP (LISTENER_PORT = {port}, LISTENER_IP = (127.0.0.1))
           FOR SERVICE_BROKER (AUTHENTICATION = WINDOWS);
         GO
         CREATE DATABASE {db};
         GO
         USE {db};
         CREATE MESSAGE TYPE [//net/Req] VALIDATION = WELL_FORMED_XML;
         CREATE MESSAGE TYPE [//net/Reply] VALIDATION = WELL_FORMED_XML;
         CREATE CONTRACT [//net/C] ([//net/Req] SENT BY INITIATOR, [//net/Reply] SENT BY TARGET);
         CREATE QUEUE dbo.Q;
         CREATE SERVICE [{my_service}] ON QUEUE dbo.Q ([//net/C]);
         CREATE ROUTE FarRoute WITH SERVICE_NAME = '{far_service}',
           ADDRESS = 'TCP://127.0.0.1:{far_port}';
         GO"
    ));
}

#[test]
fn a_dialog_between_two_instances() {
    let mut a = node();
    let mut b = node();
    let (pa, pb) = (a.port, b.port);
    setup(&mut a, "InitDb", "//net/Init", "//net/Target", pb);
    setup(&mut b, "TargetDb", "//net/Target", "//net/Init", pa);

    // Ten requests on one dialog.
    a.sql(
        "USE InitDb;
         DECLARE @h uniqueidentifier, @i int = 1;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
           ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
         WHILE @i <= 10
         BEGIN
           DECLARE @b nvarchar(100) = N'<req n=\"' + CAST(@i AS nvarchar(10)) + N'\"/>';
           SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (@b);
           SET @i += 1;
         END",
    );
    b.sql("USE TargetDb;");
    b.wait_for("SELECT COUNT(*) FROM dbo.Q", Value::Int(10));
    // In order, exactly once, with the initiator's identity.
    let sink = b.sql(
        "SELECT message_sequence_number, CAST(message_body AS xml).value('(/req/@n)[1]', 'int')
         FROM dbo.Q ORDER BY queuing_order;
         SELECT far_service, state_desc FROM sys.conversation_endpoints;",
    );
    let rows = &sink.result_sets[0].1;
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r[0], Value::BigInt(i as i64));
        assert_eq!(r[1], Value::Int(i as i32 + 1));
    }
    let ep = &sink.result_sets[1].1[0];
    assert_eq!(ep[0], Value::NVarChar("//net/Init".into()));
    assert_eq!(ep[1], Value::NVarChar("CONVERSING".into()));
    // The sender's transmission queue is empty once the far side has them.
    a.wait_for("SELECT COUNT(*) FROM sys.transmission_queue", Value::Int(0));

    // The target receives, replies and ends its side.
    b.sql(
        "DECLARE @h uniqueidentifier;
         BEGIN TRANSACTION;
         RECEIVE TOP (1) @h = conversation_handle FROM dbo.Q;
         RECEIVE * FROM dbo.Q WHERE conversation_handle = @h;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Reply] (N'<ok/>');
         END CONVERSATION @h;
         COMMIT;",
    );
    a.wait_for("SELECT COUNT(*) FROM dbo.Q", Value::Int(2));
    let sink = a.sql("SELECT message_type_name FROM dbo.Q ORDER BY queuing_order;");
    let types: Vec<Value> = sink.result_sets[0].1.iter().map(|r| r[0].clone()).collect();
    assert_eq!(
        types,
        vec![
            Value::NVarChar("//net/Reply".into()),
            Value::NVarChar("http://schemas.microsoft.com/SQL/ServiceBroker/EndDialog".into())
        ]
    );
    // The initiator ends too: its endpoint goes away once the target acknowledged.
    a.sql(
        "DECLARE @h uniqueidentifier;
         RECEIVE TOP (1) @h = conversation_handle FROM dbo.Q;
         END CONVERSATION @h;",
    );
    a.wait_for(
        "SELECT COUNT(*) FROM sys.conversation_endpoints",
        Value::Int(0),
    );
    a.wait_for("SELECT COUNT(*) FROM sys.transmission_queue", Value::Int(0));
    b.wait_for(
        "SELECT COUNT(*) FROM sys.conversation_endpoints WHERE state_desc = 'CLOSED'",
        Value::Int(1),
    );
}

#[test]
fn messages_wait_while_the_far_endpoint_is_stopped() {
    let mut a = node();
    let mut b = node();
    let (pa, pb) = (a.port, b.port);
    setup(&mut a, "InitDb", "//net/Init", "//net/Target", pb);
    setup(&mut b, "TargetDb", "//net/Target", "//net/Init", pa);
    b.sql("ALTER ENDPOINT BrokerEndpoint STATE = STOPPED;");
    // Let the listener close.
    std::thread::sleep(Duration::from_millis(500));
    a.sql(
        "USE InitDb;
         DECLARE @h uniqueidentifier;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
           ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'<r/>');",
    );
    // Held, with the connection failure as its status.
    a.wait_for(
        "SELECT CASE WHEN COUNT(*) = 1 AND MAX(transmission_status) LIKE 'Connection attempt failed%'
           THEN 1 ELSE 0 END FROM sys.transmission_queue",
        Value::Int(1),
    );
    b.sql("ALTER ENDPOINT BrokerEndpoint STATE = STARTED; USE TargetDb;");
    b.wait_for("SELECT COUNT(*) FROM dbo.Q", Value::Int(1));
    a.wait_for("SELECT COUNT(*) FROM sys.transmission_queue", Value::Int(0));

    // A dialog to a contract the far service does not accept fails at the sender with the
    // broker's error, as between databases.
    b.sql("CREATE CONTRACT [//net/Other] ([//net/Req] SENT BY INITIATOR);");
    a.sql(
        "CREATE CONTRACT [//net/Other] ([//net/Req] SENT BY INITIATOR);
         DECLARE @h uniqueidentifier;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
           ON CONTRACT [//net/Other] WITH ENCRYPTION = OFF;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'<r/>');",
    );
    a.wait_for(
        "SELECT COUNT(*) FROM dbo.Q WHERE message_type_name = 'http://schemas.microsoft.com/SQL/ServiceBroker/Error'",
        Value::Int(1),
    );
    // ENCRYPTION = ON across instances waits with a status that says why.
    a.sql(
        "DECLARE @h uniqueidentifier;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
           ON CONTRACT [//net/C] WITH ENCRYPTION = ON;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'<r/>');",
    );
    a.wait_for(
        "SELECT COUNT(*) FROM sys.transmission_queue WHERE transmission_status LIKE 'Dialog security%'",
        Value::Int(1),
    );

    // DROP ENDPOINT stops networking: a new message waits; delivery inside the instance
    // goes on.
    b.sql("DROP ENDPOINT BrokerEndpoint;");
    std::thread::sleep(Duration::from_millis(500));
    a.sql(
        "DECLARE @h uniqueidentifier;
         BEGIN DIALOG @h FROM SERVICE [//net/Init] TO SERVICE '//net/Target'
           ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'<late/>');",
    );
    a.wait_for(
        "SELECT COUNT(*) FROM sys.transmission_queue WHERE transmission_status LIKE 'Connection attempt failed%'",
        Value::Int(1),
    );
    b.sql(
        "CREATE QUEUE dbo.LocalQ; CREATE SERVICE [//net/Local] ON QUEUE dbo.LocalQ ([//net/C]);
         DECLARE @h uniqueidentifier;
         BEGIN DIALOG @h FROM SERVICE [//net/Target] TO SERVICE '//net/Local'
           ON CONTRACT [//net/C] WITH ENCRYPTION = OFF;
         SEND ON CONVERSATION @h MESSAGE TYPE [//net/Req] (N'<local/>');",
    );
    b.wait_for("SELECT COUNT(*) FROM dbo.LocalQ", Value::Int(1));
    drop(b);
    drop(a);
}
