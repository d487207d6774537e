"""HTTP and websocket routes: thin layers over the domain modules."""
