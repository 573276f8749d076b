//! The signing pool: one thread per core that does nothing but RSA signatures, fed from one queue.
//! Signing never runs on the async workers, and under load the signers find the next job waiting in the
//! queue instead of being woken for each one.

use openirp_crypto::SigningIdentity;
use std::sync::Arc;
use tokio::sync::oneshot;

type Job = Box<dyn FnOnce(&SigningIdentity) + Send>;

/// A fixed set of signer threads sharing one signing identity.
pub struct SigningPool {
    jobs: flume::Sender<Job>,
}

impl SigningPool {
    /// Starts `threads` signer threads (at least one). They end when the pool is dropped.
    pub fn start(identity: Arc<SigningIdentity>, threads: usize) -> std::io::Result<Self> {
        let (jobs, queue) = flume::unbounded::<Job>();
        for i in 0..threads.max(1) {
            let queue = queue.clone();
            let identity = identity.clone();
            std::thread::Builder::new()
                .name(format!("openirp-signer-{i}"))
                .spawn(move || {
                    while let Ok(job) = queue.recv() {
                        job(&identity);
                    }
                })?;
        }
        Ok(SigningPool { jobs })
    }

    /// Runs `work` on a signer thread and returns its result; `None` if the pool has stopped.
    pub async fn run<T, F>(&self, work: F) -> Option<T>
    where
        T: Send + 'static,
        F: FnOnce(&SigningIdentity) -> T + Send + 'static,
    {
        let (done, result) = oneshot::channel();
        let job: Job = Box::new(move |identity| {
            let _ = done.send(work(identity));
        });
        self.jobs.send(job).ok()?;
        result.await.ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn jobs_run_on_signer_threads_and_return_their_results() {
        let identity = Arc::new(SigningIdentity::generate("pool test").unwrap());
        let pool = SigningPool::start(identity.clone(), 2).unwrap();
        let name = pool
            .run(|_| std::thread::current().name().map(str::to_string))
            .await
            .unwrap();
        assert!(name.unwrap().starts_with("openirp-signer-"));
        let jws = pool
            .run(|id| id.sign_nic("{\"a\":1}", "test"))
            .await
            .unwrap();
        assert!(openirp_crypto::verify_jws_with_cert_pem(&jws, &identity.cert_pem()).is_ok());
    }
}
