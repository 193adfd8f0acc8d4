{-# LANGUAGE ForeignFunctionInterface #-}
-- Failed-link sample: getpwnam via the FFI; the link is made to fail
-- with -optl-lnosuchlib.
module Main (main) where

import Foreign.C.String (CString, withCString)
import Foreign.Ptr (Ptr, nullPtr)

foreign import ccall unsafe "getpwnam" c_getpwnam :: CString -> IO (Ptr ())

main :: IO ()
main = do
  pw <- withCString "root" c_getpwnam
  print (pw /= nullPtr)
