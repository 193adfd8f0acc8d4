module example.com/usernet

go 1.19
