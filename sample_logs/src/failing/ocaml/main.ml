(* Failed-link sample: Unix.getpwnam (getpwnam in libunix.a) and a C stub
   that is defined nowhere. *)
external no_such_function : int -> int = "no_such_function"

let () =
  let pw = Unix.getpwnam "root" in
  print_endline pw.Unix.pw_dir;
  print_int (no_such_function pw.Unix.pw_uid);
  print_newline ()
