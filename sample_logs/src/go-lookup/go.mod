module example.com/cgowarnlookup

go 1.19
