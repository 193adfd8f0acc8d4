// std's ToSocketAddrs calls getaddrinfo; env::home_dir falls back to getpwuid_r without $HOME.
use std::net::ToSocketAddrs;

#[allow(deprecated)]
fn main() {
    let mut failures = Vec::new();
    match "localhost:80".to_socket_addrs() {
        Ok(addrs) => {
            let addrs: Vec<_> = addrs.collect();
            println!("localhost:80 -> {addrs:?}");
            if !addrs.iter().any(|a| a.ip().is_loopback()) {
                failures.push("localhost did not resolve to a loopback address");
            }
        }
        Err(e) => {
            println!("localhost:80 -> {e}");
            failures.push("localhost did not resolve");
        }
    }
    std::env::remove_var("HOME");
    let home = std::env::home_dir();
    println!("home_dir() without $HOME: {home:?}");
    if home.is_none() {
        failures.push("home_dir() found no home through getpwuid_r");
    }
    if failures.is_empty() {
        println!("SMOKE PASS");
    } else {
        println!("SMOKE FAIL: {}", failures.join("; "));
        std::process::exit(1);
    }
}
