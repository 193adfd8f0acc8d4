--  Runtime sample: GNAT.Sockets name lookups (libgnat's own), no pragma Import of ours.
with Ada.Text_IO; use Ada.Text_IO;
with GNAT.Sockets; use GNAT.Sockets;

procedure Main is
   Host : constant Host_Entry_Type := Get_Host_By_Name ("localhost");
   Info : constant Address_Info_Array := Get_Address_Info ("localhost", "");
begin
   Put_Line ("Get_Host_By_Name localhost: " & Image (Addresses (Host, 1)));
   Put_Line ("Get_Address_Info localhost:" & Integer'Image (Info'Length) & " entries");
end Main;
