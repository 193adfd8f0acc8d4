// Resolves a host name (getaddrinfo) and reads the home directory
// (getpwuid_r fallback), so a crt-static glibc link pulls in NSS.
#![allow(deprecated)]

use std::net::ToSocketAddrs;

fn main() {
    match "localhost:80".to_socket_addrs() {
        Ok(addrs) => {
            for a in addrs {
                println!("{}", a);
            }
        }
        Err(e) => eprintln!("resolve: {}", e),
    }
    println!("{:?}", std::env::home_dir());
}
