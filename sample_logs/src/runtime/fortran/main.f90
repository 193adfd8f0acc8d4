! Runtime sample: GNU Fortran's GETLOG and HOSTNM extensions (libgfortran's own), no bind(C) of ours.
program main
  implicit none
  character(len=64) :: login, host
  integer :: status
  call getlog(login)
  print '(2a)', 'getlog: ', trim(login)
  status = hostnm(host)
  print '(a,i0,2a)', 'hostnm status ', status, ': ', trim(host)
end program main
