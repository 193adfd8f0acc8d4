{-# LANGUAGE ForeignFunctionInterface #-}
-- Failed-link sample: getpwnam via the FFI (warns under static glibc)
-- and a C function that is defined nowhere.
module Main (main) where

import Foreign.C.String (CString, withCString)
import Foreign.C.Types (CInt (..))
import Foreign.Ptr (Ptr, nullPtr)

foreign import ccall unsafe "getpwnam" c_getpwnam :: CString -> IO (Ptr ())
foreign import ccall unsafe "no_such_function" c_no_such_function :: CInt -> IO CInt

main :: IO ()
main = do
  pw <- withCString "root" c_getpwnam
  print (pw /= nullPtr)
  r <- c_no_such_function (if pw /= nullPtr then 1 else 0)
  print r
