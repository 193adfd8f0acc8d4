! Failed-link sample: getpwnam from libc and a C function defined nowhere.
program main
  use, intrinsic :: iso_c_binding
  implicit none
  interface
    function getpwnam(name) bind(C, name="getpwnam")
      import :: c_ptr, c_char
      character(kind=c_char), dimension(*), intent(in) :: name
      type(c_ptr) :: getpwnam
    end function getpwnam
    function no_such_function(x) bind(C, name="no_such_function")
      import :: c_int
      integer(c_int), value :: x
      integer(c_int) :: no_such_function
    end function no_such_function
  end interface
  type(c_ptr) :: pw
  pw = getpwnam("root" // c_null_char)
  print *, c_associated(pw)
  print *, no_such_function(merge(1_c_int, 0_c_int, c_associated(pw)))
end program main
