//! `render`: every page's HTML through the real router, as served, for
//! Pagefind to index.

use std::path::Path;
use std::time::Instant;

use anyhow::{Result, bail};

use crate::timings::load;

pub fn render(content: &Path, out: &Path) -> Result<()> {
    use axum::body::Body;
    use axum::http::Request;
    use tower::ServiceExt;

    let started = Instant::now();
    let (site, _) = load(content)?;
    let slugs: Vec<String> = site.pages.iter().map(|p| p.slug.clone()).collect();
    let app = waymark::web::app(waymark::web::AppState::new(site));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let bytes = runtime.block_on(async move {
        let mut bytes = 0usize;
        let mut tasks = tokio::task::JoinSet::new();
        let mut pending = slugs.into_iter();
        loop {
            while tasks.len() < 16 {
                let Some(slug) = pending.next() else { break };
                let app = app.clone();
                let out = out.to_path_buf();
                tasks.spawn(async move {
                    let request = Request::get(format!("/{slug}")).body(Body::empty())?;
                    let response = app.oneshot(request).await?;
                    if !response.status().is_success() {
                        bail!("/{slug} answered {}", response.status());
                    }
                    let body = axum::body::to_bytes(response.into_body(), usize::MAX).await?;
                    let dir = out.join(&slug);
                    tokio::fs::create_dir_all(&dir).await?;
                    tokio::fs::write(dir.join("index.html"), &body).await?;
                    Ok::<usize, anyhow::Error>(body.len())
                });
            }
            match tasks.join_next().await {
                Some(done) => bytes += done??,
                None => break,
            }
        }
        Ok::<usize, anyhow::Error>(bytes)
    })?;
    eprintln!(
        "rendered {:.1} MB of HTML to {} in {:.1} s",
        bytes as f64 / 1e6,
        out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
