from lcel.models import FakeListChatModel

c = FakeListChatModel(responses=["x"]) | (lambda m: m.upper())  # E: [attr-defined]
