"""Contract-testing harness for implementations of the Microsoft Graph beta workPosition API."""

__version__ = "0.1.0"
