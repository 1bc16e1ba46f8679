module example.com/gitops-ml-client

go 1.19
