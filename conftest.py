import os

pytest_plugins = ["pytester"]

# No test reaches AWS: boto3 clients the tests build against the local engine get its dummy pair
# when the environment has none (the engine takes any credentials; a 12-digit key names its account).
os.environ.setdefault("AWS_ACCESS_KEY_ID", "123456789012")
os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
os.environ.setdefault("AWS_DEFAULT_REGION", "us-east-1")
