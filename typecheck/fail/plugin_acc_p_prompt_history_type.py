from lcel.prompts import ChatPromptTemplate, MessagesPlaceholder

p = ChatPromptTemplate.from_messages([("human", "{q}"), MessagesPlaceholder("history")])
p.invoke({"q": "y", "history": 3})  # E: [typeddict-item]
