"""Offline simulator of the Tencent Cloud VPC API (ENI attach/detach) for tests."""
__version__ = "1.0.0"
