(* Runtime sample, dynlink variant: Unix.getpwnam plus Dynlink.loadfile, which
   loads a .cmxs plugin with the runtime's caml_dlopen. *)
let () =
  let pw = Unix.getpwnam "root" in
  Printf.printf "root home: %s\n" pw.Unix.pw_dir;
  try Dynlink.loadfile "plugin.cmxs"; print_endline "plugin loaded"
  with Dynlink.Error e -> Printf.printf "Dynlink: %s\n" (Dynlink.error_message e)
