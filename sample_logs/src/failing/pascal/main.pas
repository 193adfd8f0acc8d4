{ Failed-link sample: getpwnam from libc and a C function defined nowhere. }
program main;
{$linklib c}

function getpwnam(name: PChar): Pointer; cdecl; external 'c' name 'getpwnam';
function no_such_function(x: LongInt): LongInt; cdecl; external name 'no_such_function';

var
  pw: Pointer;
begin
  pw := getpwnam('root');
  WriteLn(pw <> nil);
  WriteLn(no_such_function(Ord(pw <> nil)));
end.
