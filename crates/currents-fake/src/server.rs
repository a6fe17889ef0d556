//! `FakeServer`: the fake on its own thread and runtime, with its state open to tests.

use std::{
    net::{SocketAddr, TcpListener},
    sync::{Arc, LazyLock, Mutex, MutexGuard, PoisonError},
    thread,
    time::Duration,
};

use currents_api::types::{
    Action, CreateActionRequest, CreateWebhookRequest, Project, Run, RunPwLastRun, Webhook,
};
use serde_json::{Value, json};

use crate::schema::spec_as_json_schema;
use hyper_util::{
    rt::{TokioIo, TokioTimer},
    service::TowerToHyperService,
};
use tokio::sync::{mpsc, oneshot};

use crate::{
    ApiError, FakeRun, Fault, Operation, Outage, RecordedRequest, Spelling,
    document::render,
    faults::Faults,
    outage::{Concurrency, Effect, Standing},
    routes,
    store::Store,
    webhooks::{self, Delivery},
};

/// The key the fake accepts unless told otherwise. It is for local development only.
pub const DEFAULT_API_KEY: &str = "currents-fake-dev-key";

/// The spec's "Local development" server address.
pub const DEFAULT_BIND: &str = "127.0.0.1:4000";

/// The requests received: each one, unless told not to keep them, and how many per operation.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    keep: bool,
    kept: Vec<RecordedRequest>,
    /// The id of each kept request, in the same order.
    ids: Vec<RecordId>,
    next_id: u64,
    counts: std::collections::HashMap<Option<Operation>, usize>,
}

/// A recorded request, so that the route that serves it can say which operation it was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RecordId(u64);

/// The state shared by every handler.
#[derive(Debug, Clone)]
pub(crate) struct App(Arc<Shared>);

#[derive(Debug)]
struct Shared {
    api_key: String,
    spelling: Spelling,
    store: Mutex<Store>,
    requests: Mutex<RequestLog>,
    faults: Mutex<Faults>,
    outage: Mutex<Option<Arc<Standing>>>,
    concurrency: Concurrency,
    /// The webhook deliveries queued by the store, until the server's delivery task takes them.
    outbox: Mutex<Option<mpsc::UnboundedReceiver<Delivery>>>,
    /// Every delivery attempted, with its receiver's status or why it failed.
    delivered: Mutex<Vec<(Delivery, Result<u16, String>)>>,
}

impl App {
    pub(crate) fn new(
        api_key: String,
        spelling: Spelling,
        runs: impl IntoIterator<Item = FakeRun>,
        actions: impl IntoIterator<Item = (String, Action)>,
        keep: bool,
    ) -> Self {
        let mut store = Store::default();
        runs.into_iter().for_each(|run| store.insert(run));
        // The runs it starts with were there before any hook: only later changes are delivered.
        let (outbox, queued) = mpsc::unbounded_channel();
        store.webhooks.deliver_to(outbox);
        for (project_id, action) in actions {
            store.actions.insert(project_id, action);
        }
        App(Arc::new(Shared {
            api_key,
            spelling,
            store: Mutex::new(store),
            requests: Mutex::new(RequestLog {
                keep,
                ..RequestLog::default()
            }),
            faults: Mutex::default(),
            outage: Mutex::default(),
            concurrency: Concurrency::default(),
            outbox: Mutex::new(Some(queued)),
            delivered: Mutex::default(),
        }))
    }

    pub(crate) fn api_key(&self) -> &str {
        &self.0.api_key
    }

    /// The form the fake answers in.
    pub(crate) fn spelling(&self) -> Spelling {
        self.0.spelling
    }

    /// A stored run as an answer's `data`, with `pw_last_run` in place of its own, in the
    /// fake's spelling and with the fields the spec does not list that it was given with.
    pub(crate) fn run_document(
        &self,
        stored: &FakeRun,
        pw_last_run: Option<RunPwLastRun>,
    ) -> Value {
        let typed = if stored.run.pw_last_run == pw_last_run {
            serde_json::to_value(&stored.run)
        } else {
            let mut run = stored.run.clone();
            run.pw_last_run = pw_last_run;
            serde_json::to_value(&run)
        }
        .expect("a Run always serialises");
        if stored.given.is_none() && self.0.spelling == Spelling::Production {
            return typed;
        }
        let schema = json!({ "$ref": "#/components/schemas/Run" });
        render(&schema, typed, stored.given.as_ref(), self.0.spelling)
    }

    /// A stored run as an item of listProjectRuns: the run without the fields only a single
    /// run has (its specs, `pwLastRun`: the spec's `Run` lists them, its `RunFeedItem` does
    /// not), with its cursor.
    pub(crate) fn feed_item(&self, stored: &FakeRun, cursor: String) -> Value {
        static RUN_ONLY: LazyLock<Vec<String>> = LazyLock::new(|| {
            let spec = spec_as_json_schema();
            let properties = |pointer: &str| {
                spec.pointer(pointer)
                    .and_then(Value::as_object)
                    .map(|properties| properties.keys().cloned().collect::<Vec<_>>())
                    .unwrap_or_default()
            };
            let feed = properties("/components/schemas/RunFeedItem/allOf/0/properties");
            properties("/components/schemas/Run/properties")
                .into_iter()
                .filter(|name| !feed.contains(name))
                .collect()
        });
        let mut item = self.run_document(stored, None);
        if let Some(fields) = item.as_object_mut() {
            for name in RUN_ONLY.iter() {
                fields.remove(name);
            }
            fields.insert("cursor".into(), Value::String(cursor));
        }
        item
    }

    // A panicking test thread must not make the fake unusable for the assertions that follow,
    // so a poisoned lock is taken over rather than propagated.
    pub(crate) fn store(&self) -> MutexGuard<'_, Store> {
        self.0.store.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn requests(&self) -> MutexGuard<'_, RequestLog> {
        self.0
            .requests
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// Records a request as it arrives, before any route has taken it: for no operation yet.
    pub(crate) fn record(&self, request: RecordedRequest) -> RecordId {
        let mut log = self.requests();
        let id = RecordId(log.next_id);
        log.next_id += 1;
        *log.counts.entry(request.operation).or_default() += 1;
        if log.keep {
            log.kept.push(request);
            log.ids.push(id);
        }
        id
    }

    /// The operation of the route that took a recorded request.
    pub(crate) fn attribute(&self, id: RecordId, operation: Operation) {
        let mut log = self.requests();
        if let Some(count) = log.counts.get_mut(&None) {
            *count = count.saturating_sub(1);
        }
        *log.counts.entry(Some(operation)).or_default() += 1;
        if let Some(index) = log.ids.iter().rposition(|kept| *kept == id) {
            log.kept[index].operation = Some(operation);
        }
    }

    pub(crate) fn faults(&self) -> MutexGuard<'_, Faults> {
        self.0.faults.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn next_fault(&self, operation: Operation) -> Option<Fault> {
        self.faults().pop(operation)
    }

    /// What the standing outage, if any, does to the next request.
    pub(crate) fn outage_effect(&self) -> Effect {
        let standing = self
            .0
            .outage
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone();
        standing.map_or(Effect::Pass, |standing| standing.apply())
    }

    pub(crate) fn set_outage(&self, outage: Option<Outage>) {
        *self.0.outage.lock().unwrap_or_else(PoisonError::into_inner) =
            outage.map(|outage| Arc::new(Standing::new(outage)));
    }

    pub(crate) fn concurrency(&self) -> &Concurrency {
        &self.0.concurrency
    }
}

/// Serves the fake on `listener` until `shutdown` completes, with `faults` queued. `actions`
/// are (project id, action) pairs.
pub async fn serve(
    listener: tokio::net::TcpListener,
    api_key: String,
    spelling: Spelling,
    runs: Vec<FakeRun>,
    actions: Vec<(String, Action)>,
    faults: Vec<(Operation, Fault)>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    // Nothing reads a served fake's requests, so they are counted, not kept.
    let app = App::new(api_key, spelling, runs, actions, false);
    faults
        .into_iter()
        .for_each(|(operation, fault)| app.faults().push(operation, fault));
    serve_app(listener, app, shutdown, HEADER_READ_TIMEOUT).await
}

/// How long a connection may take to send a request's headers, counted from when it opens or
/// its last answer was sent, before the fake closes it. A client that connects and sends
/// nothing, or sends its headers a byte at a time, holds a connection no longer than this,
/// and the fake answers everyone else meanwhile.
pub const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(10);

async fn serve_app(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
    header_read_timeout: Duration,
) -> std::io::Result<()> {
    let queued = app
        .0
        .outbox
        .lock()
        .unwrap_or_else(PoisonError::into_inner)
        .take();
    if let Some(queued) = queued {
        let log = app.clone();
        tokio::spawn(webhooks::deliver(queued, move |delivery, outcome| {
            log.0
                .delivered
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push((delivery, outcome));
        }));
    }
    let router = routes::router(app);
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(header_read_timeout);
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // Out of file descriptors, say: the connections there are close in time.
                Err(_) => {
                    tokio::time::sleep(Duration::from_millis(10)).await;
                    continue;
                }
            },
            () = &mut shutdown => return Ok(()),
        };
        let _ = stream.set_nodelay(true);
        let connection = http.serve_connection(
            TokioIo::new(stream),
            TowerToHyperService::new(router.clone()),
        );
        tokio::spawn(async move {
            // A client that went away, or one closed for sending its headers too slowly.
            let _ = connection.await;
        });
    }
}

/// A running fake Currents API on an ephemeral loopback port.
///
/// It runs on its own thread with its own runtime, so it works the same from synchronous
/// tests, `#[tokio::test]` and CLI tests that block on a child process. Dropping it stops it.
#[derive(Debug)]
pub struct FakeServer {
    app: App,
    addr: SocketAddr,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<thread::JoinHandle<()>>,
}

/// Configures a [`FakeServer`] before it starts.
#[derive(Debug, Default)]
pub struct FakeServerBuilder {
    api_key: Option<String>,
    spelling: Spelling,
    runs: Vec<FakeRun>,
    projects: Vec<Project>,
    actions: Vec<(String, Action)>,
    forget_requests: bool,
    header_read_timeout: Option<Duration>,
}

impl FakeServerBuilder {
    /// How long a connection may take to send a request's headers before it is closed;
    /// [`HEADER_READ_TIMEOUT`] by default.
    pub fn header_read_timeout(mut self, timeout: Duration) -> Self {
        self.header_read_timeout = Some(timeout);
        self
    }

    /// Projects to serve besides those the runs name (a project with no runs yet, say, or a
    /// project's own name).
    pub fn projects(mut self, projects: impl IntoIterator<Item = Project>) -> Self {
        self.projects.extend(projects);
        self
    }

    /// Count requests but do not keep them: for long runs (benchmarks), whose log would
    /// otherwise grow with every request.
    pub fn forget_requests(mut self) -> Self {
        self.forget_requests = true;
        self
    }

    /// Actions to serve from the start, as (project id, action) pairs.
    pub fn actions(mut self, actions: impl IntoIterator<Item = (String, Action)>) -> Self {
        self.actions.extend(actions);
        self
    }

    /// The API key to require instead of [`DEFAULT_API_KEY`].
    pub fn api_key(mut self, api_key: impl Into<String>) -> Self {
        self.api_key = Some(api_key.into());
        self
    }

    /// The spelling of enum values in answers; production's by default.
    pub fn spelling(mut self, spelling: Spelling) -> Self {
        self.spelling = spelling;
        self
    }

    /// Runs to serve from the start.
    pub fn runs(mut self, runs: impl IntoIterator<Item = impl Into<FakeRun>>) -> Self {
        self.runs.extend(runs.into_iter().map(Into::into));
        self
    }

    /// Binds 127.0.0.1 on an ephemeral port and starts serving.
    ///
    /// # Panics
    /// If no loopback port can be bound or no runtime can be built, which leaves a test
    /// nothing to run against.
    pub fn start(self) -> FakeServer {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind an ephemeral loopback port");
        listener
            .set_nonblocking(true)
            .expect("make the listener non-blocking");
        let addr = listener
            .local_addr()
            .expect("a bound listener has an address");
        let app = App::new(
            self.api_key.unwrap_or_else(|| DEFAULT_API_KEY.to_owned()),
            self.spelling,
            self.runs,
            self.actions,
            !self.forget_requests,
        );
        for project in self.projects {
            app.store()
                .projects
                .insert(project.project_id.clone(), project);
        }
        let (shutdown, stopped) = oneshot::channel::<()>();
        let served = app.clone();
        let header_read_timeout = self.header_read_timeout.unwrap_or(HEADER_READ_TIMEOUT);
        let thread = thread::Builder::new()
            .name(format!("currents-fake-{}", addr.port()))
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("build the fake's runtime");
                runtime.block_on(async move {
                    let listener =
                        tokio::net::TcpListener::from_std(listener).expect("adopt the listener");
                    let stop = async move {
                        let _ = stopped.await;
                    };
                    // Serving only ends on shutdown; an accept error is retried.
                    let _ = serve_app(listener, served, stop, header_read_timeout).await;
                });
            })
            .expect("spawn the fake's thread");
        FakeServer {
            app,
            addr,
            shutdown: Some(shutdown),
            thread: Some(thread),
        }
    }
}

impl FakeServer {
    /// A fake with no runs and the default key.
    pub fn start() -> FakeServer {
        FakeServer::builder().start()
    }

    /// Configure the key and the initial runs.
    pub fn builder() -> FakeServerBuilder {
        FakeServerBuilder::default()
    }

    /// The base URL to give a client, such as `http://127.0.0.1:41234/v1`.
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }

    /// The socket address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The API key the fake requires.
    pub fn api_key(&self) -> &str {
        self.app.api_key()
    }

    /// Adds a run, or replaces the run with the same id (which also undeletes it).
    pub fn insert(&self, run: impl Into<FakeRun>) {
        self.app.store().insert(run.into());
    }

    /// A stored run by id; `None` if it does not exist or was deleted.
    pub fn run(&self, run_id: &str) -> Option<Run> {
        self.app
            .store()
            .get(run_id)
            .ok()
            .map(|stored| stored.run.clone())
    }

    /// Every stored run, by id.
    pub fn runs(&self) -> Vec<Run> {
        self.app
            .store()
            .runs()
            .map(|stored| stored.run.clone())
            .collect()
    }

    /// Deletes a run, as deleteRun would; false if there was no such run.
    pub fn remove_run(&self, run_id: &str) -> bool {
        self.app.store().delete(run_id).is_ok()
    }

    /// Changes a stored run in place, for example to complete it while a client waits.
    /// Returns false if there is no such run.
    pub fn update_run(&self, run_id: &str, change: impl FnOnce(&mut Run)) -> bool {
        self.app.store().update(run_id, change)
    }

    /// Creates a webhook in a project, as createWebhook would, and returns it; a URL that is not
    /// on loopback is refused, as the API refuses it.
    pub fn create_webhook(
        &self,
        project_id: &str,
        request: CreateWebhookRequest,
    ) -> Result<Webhook, ApiError> {
        self.app
            .store()
            .webhooks
            .create(project_id, request, chrono::Utc::now())
    }

    /// Every webhook delivery attempted so far, in order, each with the receiver's HTTP status
    /// or why it could not be delivered.
    pub fn deliveries(&self) -> Vec<(Delivery, Result<u16, String>)> {
        self.app
            .0
            .delivered
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The Jira issue with this key that the fake created, with the (run id, test id) of each
    /// test it was created from or linked to; `None` if there is none.
    pub fn jira_issue_tests(&self, key: &str) -> Option<Vec<(String, String)>> {
        self.app
            .store()
            .jira
            .issue(key)
            .map(|issue| issue.tests.clone())
    }

    /// Creates an action in a project, as createAction would, and returns it.
    pub fn create_action(&self, project_id: &str, request: CreateActionRequest) -> Action {
        self.app
            .store()
            .actions
            .create(project_id, request, chrono::Utc::now())
    }

    /// An action by id, as it reads now; `None` if there is no such action.
    pub fn action(&self, action_id: &str) -> Option<Action> {
        self.app
            .store()
            .actions
            .get(action_id, chrono::Utc::now())
            .ok()
    }

    /// Every request received so far, in order (none, if the fake was told not to keep them).
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.app.requests().kept.clone()
    }

    /// Forgets the requests received so far, and their counts.
    pub fn clear_requests(&self) {
        let mut log = self.app.requests();
        log.kept.clear();
        log.ids.clear();
        log.counts.clear();
    }

    /// Queues a fault for the next request of `operation` that has no earlier fault queued.
    pub fn push_fault(&self, operation: Operation, fault: Fault) {
        self.app.faults().push(operation, fault);
    }

    /// How many queued faults have not been used yet.
    pub fn pending_faults(&self) -> usize {
        self.app.faults().pending()
    }

    /// Drops every queued fault.
    pub fn clear_faults(&self) {
        self.app.faults().clear();
    }

    /// Sets a standing [`Outage`] for every request from now on (`None` ends it); queued faults
    /// apply after it.
    pub fn set_outage(&self, outage: Option<Outage>) {
        self.app.set_outage(outage);
    }

    /// The most requests the fake has been handling at once.
    pub fn peak_concurrent_requests(&self) -> usize {
        self.app.concurrency().peak()
    }

    /// How many requests of `operation` the fake received (faulted ones included).
    pub fn request_count(&self, operation: Operation) -> usize {
        self.app
            .requests()
            .counts
            .get(&Some(operation))
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
