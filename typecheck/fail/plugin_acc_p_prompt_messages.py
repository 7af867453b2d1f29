from lcel.prompts import ChatPromptTemplate, MessagesPlaceholder

p = ChatPromptTemplate.from_messages([("system", "be {style}"), ("human", "{q}"), MessagesPlaceholder("history")])
p.invoke({"style": "x", "q": "y"})  # E: [typeddict-item]
