//! Fingerprinted file names (`style.1a2b3c4d.css`): a name that changes
//! whenever the bytes do, so a file served under it may be cached for a year.
//! Both the portal's own assets and the authority's theme are named this way.

/// `name.ext` with a fingerprint of `bytes` before the extension.
pub fn fingerprinted(plain: &str, bytes: &[u8]) -> String {
    let hash = crc32fast::hash(bytes);
    match plain.rsplit_once('.') {
        Some((stem, ext)) => format!("{stem}.{hash:08x}.{ext}"),
        None => format!("{plain}.{hash:08x}"),
    }
}
