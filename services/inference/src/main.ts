// placeholder: the service entry point is written in the service issue
