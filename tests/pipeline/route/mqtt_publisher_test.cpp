#include "pipeline/route/mqtt_publisher.h"

#include <gtest/gtest.h>

namespace pipeline {
namespace {

TEST(MqttUrl, takes_host_port_and_a_topic_of_several_levels) {
  auto address = parse_mqtt_url("mqtt://broker.lan:1884/home/siftd/files");
  ASSERT_TRUE(address) << address.error().detail;
  EXPECT_EQ(address->host, "broker.lan");
  EXPECT_EQ(address->port, 1884);
  EXPECT_EQ(address->topic, "home/siftd/files");
  auto default_port = parse_mqtt_url("mqtt://127.0.0.1/t");
  ASSERT_TRUE(default_port) << default_port.error().detail;
  EXPECT_EQ(default_port->port, 1883);
}

TEST(MqttUrl, refuses_wildcards_missing_parts_and_bad_ports) {
  for (const char* url :
       {"mqtts://h/t", "mqtt://h", "mqtt://h/", "mqtt:///t", "mqtt://:1883/t", "mqtt://h:0/t",
        "mqtt://h:65536/t", "mqtt://h:x/t", "mqtt://h/a/+/b", "mqtt://h/a/#", "mqtt://u:p@h/t"}) {
    EXPECT_FALSE(parse_mqtt_url(url)) << url;
  }
}

TEST(MqttUrl, status_topic_holds_the_node_as_one_level) {
  EXPECT_EQ(mqtt_status_topic("nas"), "siftd/nas/status");
  EXPECT_TRUE(check_mqtt_node("nas-2.lan").empty());
  for (const char* node : {"", "a/b", "a+", "#"})
    EXPECT_FALSE(check_mqtt_node(node).empty()) << node;
}

}  // namespace
}  // namespace pipeline
