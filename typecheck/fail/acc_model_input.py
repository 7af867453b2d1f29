from lcel.models import FakeListChatModel

FakeListChatModel(responses=["x"]).invoke(3)  # E: [arg-type]
