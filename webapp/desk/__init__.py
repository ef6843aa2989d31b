from .oversight import bp as oversight_bp
from .problems import bp as problems_bp
from .views import bp

__all__ = ["bp", "oversight_bp", "problems_bp"]
