(* Runtime sample: the unix library's own lookups (libunix.a), no C stub of ours. *)
let () =
  let pw = Unix.getpwnam "root" in
  Printf.printf "root home: %s\n" pw.Unix.pw_dir;
  let gr = Unix.getgrnam "root" in
  Printf.printf "root gid: %d\n" gr.Unix.gr_gid;
  let h = Unix.gethostbyname "localhost" in
  Printf.printf "gethostbyname localhost: %s\n"
    (Unix.string_of_inet_addr h.Unix.h_addr_list.(0));
  match Unix.getaddrinfo "localhost" "" [] with
  | { Unix.ai_addr = Unix.ADDR_INET (a, _); _ } :: _ ->
      Printf.printf "getaddrinfo localhost: %s\n" (Unix.string_of_inet_addr a)
  | _ -> print_endline "getaddrinfo localhost: no address"
