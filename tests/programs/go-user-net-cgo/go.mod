module example.com/usernetcgo

go 1.19
