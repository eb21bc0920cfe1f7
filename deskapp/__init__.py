"""deskapp — the property service centre's front desk (客服部/前台) in a terminal."""

__version__ = "0.1.0"
