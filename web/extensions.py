"""Extension objects created once; create_app() binds them (Flask-SocketIO-Chat style)."""
from flask_socketio import SocketIO

socketio = SocketIO()
