--  Failed-link sample: getpwnam from libc and a C function defined nowhere.
with Ada.Text_IO;
with Interfaces.C;         use Interfaces.C;
with Interfaces.C.Strings; use Interfaces.C.Strings;
with System;               use System;

procedure Main is
   function Getpwnam (Name : chars_ptr) return System.Address;
   pragma Import (C, Getpwnam, "getpwnam");

   function No_Such_Function (X : int) return int;
   pragma Import (C, No_Such_Function, "no_such_function");

   Name : chars_ptr := New_String ("root");
   Pw   : constant System.Address := Getpwnam (Name);
begin
   Free (Name);
   Ada.Text_IO.Put_Line (Boolean'Image (Pw /= Null_Address));
   Ada.Text_IO.Put_Line (int'Image (No_Such_Function (Boolean'Pos (Pw /= Null_Address))));
end Main;
