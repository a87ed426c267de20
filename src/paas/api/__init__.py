"""The HTTP door: FastAPI routes that parse, call one service, and shape the answer."""
