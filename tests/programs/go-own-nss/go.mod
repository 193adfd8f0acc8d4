module example.com/ownnss

go 1.19
