{ Runtime sample: FPC's own units, no external of ours: users (libc getpwnam/getgrnam
  via its pwd/grp units), dynlibs.LoadLibrary (dlopen) and fcl-net's resolve. }
program main;
{$mode objfpc}{$H+}

uses
  users, dynlibs, resolve;

var
  lib: TLibHandle;
  r: THostResolver;
begin
  WriteLn('GetUserDir root: ', GetUserDir('root'));
  WriteLn('GetGroupId root: ', GetGroupId('root'));
  r := THostResolver.Create(nil);
  if r.NameLookup('localhost') then
    WriteLn('THostResolver localhost: ', r.AddressAsString)
  else
    WriteLn('THostResolver localhost: failed');
  r.Free;
  lib := LoadLibrary('libm.so.6');
  WriteLn('LoadLibrary libm.so.6: ', lib <> NilHandle);
end.
