-- Runtime sample: the unix and network packages' own lookups, no foreign import.
import Network.Socket (AddrInfo (..), defaultHints, getAddrInfo)
import System.Posix.DynamicLinker (RTLDFlags (RTLD_NOW), dlclose, dlopen)
import System.Posix.User (getGroupEntryForName, getUserEntryForName, groupID, homeDirectory)

main :: IO ()
main = do
  pw <- getUserEntryForName "root"
  putStrLn ("root home: " ++ homeDirectory pw)
  gr <- getGroupEntryForName "root"
  putStrLn ("root gid: " ++ show (groupID gr))
  ais <- getAddrInfo (Just defaultHints) (Just "localhost") Nothing
  putStrLn ("localhost: " ++ show (addrAddress (head ais)))
  dl <- dlopen "libm.so.6" [RTLD_NOW]
  dlclose dl
  putStrLn "dlopen libm.so.6: ok"
