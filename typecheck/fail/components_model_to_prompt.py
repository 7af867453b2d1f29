from lcel.models import FakeListChatModel
from lcel.prompts import PromptTemplate

model = FakeListChatModel(responses=["x"])
chain = model | PromptTemplate.from_template("{x}")  # E: [operator]
