//! SteamID → address for peers on this machine: each live offline backend writes one file named
//! by its SteamID into a per-user runtime directory (`$XDG_RUNTIME_DIR/steam-messages`, or a
//! 0700 folder under the temp directory; on Windows a folder in the user's own `%TEMP%`). Entries of
//! processes that died are ignored.

use std::fs;
use std::io::Write;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

pub struct Directory {
    dir: PathBuf,
}

/// The folder every offline backend of this user shares; `STEAM_MESSAGES_DIR` overrides it
/// (tests use that to keep runs apart).
fn default_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("STEAM_MESSAGES_DIR") {
        return PathBuf::from(dir);
    }
    // XDG is a Unix convention (a Windows process under Wine may still see the variable).
    #[cfg(unix)]
    if let Some(runtime) = std::env::var_os("XDG_RUNTIME_DIR") {
        let runtime = PathBuf::from(runtime);
        if runtime.is_dir() {
            return runtime.join("steam-messages");
        }
    }
    std::env::temp_dir().join(format!("steam-messages-{}", user_tag()))
}

#[cfg(unix)]
fn user_tag() -> String {
    // The owner of the home directory stands in for the uid without a libc dependency.
    use std::os::unix::fs::MetadataExt;
    fs::metadata(std::env::var_os("HOME").unwrap_or_default())
        .map(|m| m.uid().to_string())
        .unwrap_or_else(|_| "user".into())
}

#[cfg(not(unix))]
fn user_tag() -> String {
    std::env::var("USERNAME").unwrap_or_else(|_| "user".into())
}

fn make_private_dir(dir: &Path) -> std::io::Result<()> {
    fs::create_dir_all(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(dir, fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

#[cfg(target_os = "linux")]
fn process_alive(pid: u32) -> bool {
    Path::new(&format!("/proc/{pid}")).exists()
}

#[cfg(windows)]
fn process_alive(pid: u32) -> bool {
    // kernel32, which every Windows process has loaded; no crate needed for three calls.
    type Handle = *mut std::ffi::c_void;
    const PROCESS_QUERY_LIMITED_INFORMATION: u32 = 0x1000;
    const STILL_ACTIVE: u32 = 259;
    const ERROR_ACCESS_DENIED: i32 = 5;
    #[link(name = "kernel32")]
    extern "system" {
        fn OpenProcess(access: u32, inherit: i32, pid: u32) -> Handle;
        fn GetExitCodeProcess(process: Handle, code: *mut u32) -> i32;
        fn CloseHandle(handle: Handle) -> i32;
    }
    if pid == std::process::id() {
        return true;
    }
    // SAFETY: plain Win32 calls; the handle is closed before returning.
    unsafe {
        let h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, 0, pid);
        if h.is_null() {
            // No such process, unless it exists and we may not look at it.
            return std::io::Error::last_os_error().raw_os_error() == Some(ERROR_ACCESS_DENIED);
        }
        let mut code = 0u32;
        let ok = GetExitCodeProcess(h, &mut code) != 0;
        CloseHandle(h);
        !ok || code == STILL_ACTIVE
    }
}

#[cfg(not(any(target_os = "linux", windows)))]
fn process_alive(_pid: u32) -> bool {
    // Without /proc, a stale entry is found out by the connect timeout instead.
    true
}

impl Directory {
    pub fn open() -> std::io::Result<Directory> {
        let dir = default_dir();
        make_private_dir(&dir)?;
        Ok(Directory { dir })
    }

    fn entry(&self, steam_id: u64) -> PathBuf {
        self.dir.join(steam_id.to_string())
    }

    /// Announces `steam_id` at `addr`. Fails when a live process already holds that SteamID.
    pub fn register(&self, steam_id: u64, addr: SocketAddr) -> Result<(), String> {
        if let Some(existing) = self.lookup(steam_id) {
            if existing != addr {
                return Err(format!(
                    "SteamID {steam_id} is already in use by another live offline backend at {existing}"
                ));
            }
        }
        let tmp = self.dir.join(format!(".{steam_id}.{}", std::process::id()));
        let write = || -> std::io::Result<()> {
            let mut f = fs::File::create(&tmp)?;
            writeln!(f, "{addr} {}", std::process::id())?;
            fs::rename(&tmp, self.entry(steam_id))
        };
        write().map_err(|e| {
            format!(
                "cannot write the peer directory {}: {e}",
                self.dir.display()
            )
        })
    }

    /// Removes our entry, if it is still ours.
    pub fn unregister(&self, steam_id: u64, addr: SocketAddr) {
        if self
            .read(steam_id)
            .map(|(a, pid)| a == addr && pid == std::process::id())
            .unwrap_or(false)
        {
            let _ = fs::remove_file(self.entry(steam_id));
        }
    }

    fn read(&self, steam_id: u64) -> Option<(SocketAddr, u32)> {
        let text = fs::read_to_string(self.entry(steam_id)).ok()?;
        let mut parts = text.split_whitespace();
        let addr = parts.next()?.parse().ok()?;
        let pid = parts.next()?.parse().ok()?;
        Some((addr, pid))
    }

    /// Where `steam_id` listens, if a live process announced it.
    pub fn lookup(&self, steam_id: u64) -> Option<SocketAddr> {
        let (addr, pid) = self.read(steam_id)?;
        process_alive(pid).then_some(addr)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_directory(name: &str) -> Directory {
        let dir = std::env::temp_dir().join(format!("sm-dir-test-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        make_private_dir(&dir).unwrap();
        Directory { dir }
    }

    #[test]
    fn a_registered_id_is_found_and_unregistered() {
        let d = temp_directory("reg");
        let addr: SocketAddr = "127.0.0.1:40000".parse().unwrap();
        d.register(76561197960287930, addr).unwrap();
        assert_eq!(d.lookup(76561197960287930), Some(addr));
        d.unregister(76561197960287930, addr);
        assert_eq!(d.lookup(76561197960287930), None);
    }

    #[test]
    fn a_dead_process_entry_is_ignored() {
        let d = temp_directory("dead");
        fs::write(d.entry(42), "127.0.0.1:1 4000000000\n").unwrap();
        if cfg!(target_os = "linux") {
            assert_eq!(d.lookup(42), None);
        }
    }

    #[test]
    fn garbage_entries_are_ignored() {
        let d = temp_directory("junk");
        fs::write(d.entry(7), "not an address\n").unwrap();
        assert_eq!(d.lookup(7), None);
    }
}
