//! A server that misbehaves as a test scripts it: real HTTP/1.1 over loopback, one request a
//! connection, each answered by the script or cut off after it was read.

use std::{
    net::SocketAddr,
    sync::{Arc, Mutex, PoisonError},
    time::Duration,
};

use tokio::{
    io::{AsyncReadExt as _, AsyncWriteExt as _},
    net::{TcpListener, TcpStream},
};

/// A request as the server read it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// The path and query.
    pub target: String,
    /// Header names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    /// The value of a query parameter.
    pub fn query(&self, name: &str) -> Option<String> {
        let query = self.target.split_once('?')?.1;
        form_pairs(query)
            .into_iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value)
    }
}

fn form_pairs(query: &str) -> Vec<(String, String)> {
    query
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .map(|(key, value)| {
            let decode = |text: &str| {
                percent_encoding::percent_decode_str(&text.replace('+', " "))
                    .decode_utf8_lossy()
                    .into_owned()
            };
            (decode(key), decode(value))
        })
        .collect()
}

/// How the server answers one request.
#[derive(Debug, Clone)]
pub enum Answer {
    /// A status, extra headers and a JSON body, after a pause.
    Send {
        status: u16,
        headers: Vec<(&'static str, String)>,
        body: String,
        pause: Duration,
    },
    /// The connection is reset once the request is read: the server may have applied it.
    Reset,
}

impl Answer {
    /// A 200 with this JSON body.
    pub fn json(body: impl Into<String>) -> Answer {
        Answer::Send {
            status: 200,
            headers: Vec::new(),
            body: body.into(),
            pause: Duration::ZERO,
        }
    }

    /// A status with these headers and an `ErrorResponse`.
    pub fn status(status: u16, headers: Vec<(&'static str, String)>) -> Answer {
        Answer::Send {
            status,
            headers,
            body: r#"{"status":"FAILED","error":"scripted"}"#.to_owned(),
            pause: Duration::ZERO,
        }
    }

    /// This answer after a pause.
    pub fn after(self, wait: Duration) -> Answer {
        match self {
            Answer::Send {
                status,
                headers,
                body,
                ..
            } => Answer::Send {
                status,
                headers,
                body,
                pause: wait,
            },
            reset => reset,
        }
    }
}

type Script = Arc<dyn Fn(&Seen, usize) -> Answer + Send + Sync>;

/// The server; it stops when dropped.
#[derive(Debug)]
pub struct Hostile {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Hostile {
    /// Serves on an ephemeral loopback port; `script` gets each request and how many came
    /// before it. Call it from within a tokio runtime.
    pub async fn start(script: impl Fn(&Seen, usize) -> Answer + Send + Sync + 'static) -> Hostile {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("an address");
        let seen = Arc::new(Mutex::new(Vec::new()));
        let script: Script = Arc::new(script);
        let log = seen.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (script, log) = (script.clone(), log.clone());
                tokio::spawn(async move {
                    let _ = serve(stream, script, log).await;
                });
            }
        });
        Hostile { addr, seen, task }
    }

    /// `http://127.0.0.1:PORT`, the origin.
    pub fn origin(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The base URL a client is given: the origin and `/v1`.
    pub fn base_url(&self) -> String {
        format!("{}/v1", self.origin())
    }

    /// Every request read so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// How many requests were read.
    pub fn count(&self) -> usize {
        self.seen
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

impl Drop for Hostile {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn serve(
    mut stream: TcpStream,
    script: Script,
    log: Arc<Mutex<Vec<Seen>>>,
) -> std::io::Result<()> {
    let mut buffer = Vec::new();
    let head_end = loop {
        let mut chunk = [0; 4096];
        let read = stream.read(&mut chunk).await?;
        if read == 0 || buffer.len() > 64 * 1024 {
            return Ok(());
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut request_line = lines.next().unwrap_or_default().split(' ');
    let method = request_line.next().unwrap_or_default().to_owned();
    let target = request_line.next().unwrap_or_default().to_owned();
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect::<Vec<_>>();
    let length = headers
        .iter()
        .find(|(name, _)| name == "content-length")
        .and_then(|(_, value)| value.parse::<usize>().ok())
        .unwrap_or(0)
        .min(1024 * 1024);
    let mut body = buffer[head_end..].to_vec();
    while body.len() < length {
        let mut chunk = [0; 4096];
        let read = stream.read(&mut chunk).await?;
        if read == 0 {
            break;
        }
        body.extend_from_slice(&chunk[..read]);
    }
    let seen = Seen {
        method,
        target,
        headers,
        body,
    };
    let index = {
        let mut log = log.lock().unwrap_or_else(PoisonError::into_inner);
        log.push(seen.clone());
        log.len() - 1
    };
    match script(&seen, index) {
        Answer::Reset => {
            // A zero linger makes the close a reset; with it, the close does not block.
            #[allow(deprecated)]
            stream.set_linger(Some(Duration::ZERO))?;
            drop(stream);
        }
        Answer::Send {
            status,
            headers,
            body,
            pause,
        } => {
            tokio::time::sleep(pause).await;
            let mut answer = format!(
                "HTTP/1.1 {status} Scripted\r\ncontent-type: application/json\r\n\
                 content-length: {}\r\nconnection: close\r\n",
                body.len()
            );
            for (name, value) in headers {
                answer.push_str(&format!("{name}: {value}\r\n"));
            }
            answer.push_str("\r\n");
            answer.push_str(&body);
            stream.write_all(answer.as_bytes()).await?;
            stream.shutdown().await?;
        }
    }
    Ok(())
}
